import { Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { alertSettingsFromConfig } from '@ledger/monitoring';
import { LEDGER_CONFIG, PG_POOL, type LedgerConfig } from '@ledger/platform';
import { DashboardQueries } from './dashboard-queries';

/** Provides DashboardQueries from PlatformModule's pool, store and config. */
@Module({
  providers: [
    {
      provide: DashboardQueries,
      useFactory: (pool: Pool, store: EventStore, config: LedgerConfig) =>
        new DashboardQueries(pool, {
          store,
          suspiciousAmounts: config.SUSPICIOUS_AMOUNTS,
          health: alertSettingsFromConfig(config),
          stallAfterMs: config.PROJECTION_STALL_AFTER,
        }),
      inject: [PG_POOL, EVENT_STORE, LEDGER_CONFIG],
    },
  ],
  exports: [DashboardQueries],
})
export class DashboardQueriesModule {}
