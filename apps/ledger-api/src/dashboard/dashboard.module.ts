import { Module } from '@nestjs/common';
import { DashboardQueriesModule } from '@ledger/projections';
import { DashboardController } from './dashboard.controller';

@Module({ imports: [DashboardQueriesModule], controllers: [DashboardController] })
export class DashboardModule {}
