import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { AlertTicker, alertSettingsFromConfig } from '@ledger/monitoring';
import { LEDGER_CONFIG, PG_POOL, type LedgerConfig } from '@ledger/platform';
import { ALERT_LOGGER } from './tokens';

/** The timed rules' clock (provider_silent, projection_stalled); one tick at a time across workers (advisory lock). */
@Injectable()
export class TickerService implements OnModuleInit, OnModuleDestroy {
  private readonly ticker: AlertTicker;

  constructor(@Inject(PG_POOL) pool: Pool, @Inject(LEDGER_CONFIG) config: LedgerConfig, @Inject(ALERT_LOGGER) logger: Logger) {
    this.ticker = new AlertTicker(pool, alertSettingsFromConfig(config), config.ALERT_TICK_INTERVAL, (error) =>
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
