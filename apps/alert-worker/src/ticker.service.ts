import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { AlertTicker, alertSettingsFromConfig, timedRules } from '@ledger/monitoring';
import { LEDGER_CONFIG, PG_POOL, type LedgerConfig } from '@ledger/platform';
import { projectionStatus } from '@ledger/projections';
import { ALERT_LOGGER } from './tokens';

/**
 * The timed rules' clock (provider_silent, projection_stalled); one tick at a time across workers (advisory lock).
 * projection_stalled reads every projection of the registry through @ledger/projections (`projectionStatus`:
 * checkpoints, lag against the true head, the read horizon), on this app's pool and event store.
 */
@Injectable()
export class TickerService implements OnModuleInit, OnModuleDestroy {
  private readonly ticker: AlertTicker;

  constructor(
    @Inject(PG_POOL) pool: Pool,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
    @Inject(ALERT_LOGGER) logger: Logger,
  ) {
    const rules = timedRules((now) => projectionStatus(pool, store, now));
    this.ticker = new AlertTicker(pool, alertSettingsFromConfig(config), config.ALERT_TICK_INTERVAL, rules, (error) =>
      logger.warn({ error: error.message }, 'timed alert rules failed; next tick retries'),
    );
  }

  onModuleInit(): void {
    this.ticker.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.ticker.stop();
  }
}
