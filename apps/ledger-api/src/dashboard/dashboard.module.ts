import { Module } from '@nestjs/common';
import { DashboardQueriesModule } from '@ledger/projections';
import { DashboardController } from './dashboard.controller';
import { DashboardLiveController } from './live/live.controller';
import { ProjectionListener } from './live/projection-listener';
import { DashboardPageController } from './page/dashboard-page.controller';

@Module({
  imports: [DashboardQueriesModule],
  controllers: [DashboardController, DashboardLiveController, DashboardPageController],
  providers: [ProjectionListener],
})
export class DashboardModule {}
