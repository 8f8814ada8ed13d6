import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { LEDGER_CONFIG, PG_POOL, purgeExpiredData, type LedgerConfig } from '@ledger/platform';
import { ALERT_LOGGER } from './tokens';

/** Hourly is plenty for a retention counted in days; the first purge runs a minute after start. */
const INTERVAL_MS = 3_600_000;
const FIRST_RUN_MS = 60_000;

/**
 * The periodic purge (README › Data retention). It lives in the alert worker,
 * the one app with a clock already; the purge is idempotent, so several
 * workers running it at once only repeat a no-op.
 */
@Injectable()
export class RetentionService implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(ALERT_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.schedule(FIRST_RUN_MS);
  }

  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  async purgeOnce(): Promise<void> {
    try {
      const counts = await purgeExpiredData(this.pool, { retentionDays: this.config.DATA_RETENTION_DAYS });
      if (Object.values(counts).some((n) => n > 0)) this.logger.info({ purged: counts }, 'retention purge');
    } catch (error) {
      this.logger.warn({ error: (error as Error).message }, 'retention purge failed; the next run retries');
    }
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.purgeOnce().finally(() => {
        this.running = undefined;
        if (this.timer) this.schedule(INTERVAL_MS);
      });
    }, delayMs);
    this.timer.unref();
  }
}
