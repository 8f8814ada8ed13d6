import { Module } from '@nestjs/common';
import { DashboardQueriesModule } from '@ledger/projections';
import { BooksModule } from '../books/books.controller';
import { DashboardController } from './dashboard.controller';
import { FraudVelocityController } from './fraud-velocity.controller';
import { DashboardLiveController } from './live/live.controller';
import { ProjectionListener } from './live/projection-listener';
import { PersonalDataRedactor } from './redact-personal';
import { DashboardPageController } from './page/dashboard-page.controller';

@Module({
  // The books panel of the page reads the books API.
  imports: [DashboardQueriesModule, BooksModule],
  controllers: [DashboardController, FraudVelocityController, DashboardLiveController, DashboardPageController],
  providers: [ProjectionListener, PersonalDataRedactor],
})
export class DashboardModule {}
