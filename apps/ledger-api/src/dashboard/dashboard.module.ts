import { Module } from '@nestjs/common';
import { DashboardQueriesModule } from '@ledger/projections';
import { DashboardController } from './dashboard.controller';
import { DashboardLiveController } from './live/live.controller';
import { ProjectionListener } from './live/projection-listener';
import { PersonalDataRedactor } from './redact-personal';
import { DashboardPageController } from './page/dashboard-page.controller';

@Module({
  imports: [DashboardQueriesModule],
  controllers: [DashboardController, DashboardLiveController, DashboardPageController],
  providers: [ProjectionListener, PersonalDataRedactor],
})
export class DashboardModule {}
