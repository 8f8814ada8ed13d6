import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { purgeExpiredIdempotencyRecords } from '@ledger/event-store';
import { purgeClosedAlerts, purgeRelayedOutbox } from '@ledger/monitoring';
import { LEDGER_CONFIG, PG_POOL, purgeExpiredData, type LedgerConfig, type Purge } from '@ledger/platform';
import { purgeWebhookDeliveries } from '@ledger/provider-webhooks';
import { ALERT_LOGGER } from './tokens';

/** Hourly is plenty for a retention counted in days; the first purge runs a minute after start. */
const INTERVAL_MS = 3_600_000;
const FIRST_RUN_MS = 60_000;

/** What ages out after DATA_RETENTION_DAYS, each purged by its table's owner. */
export const RETENTION_PURGES: Readonly<Record<string, Purge>> = {
  // Past their own expiry (IDEMPOTENCY_TTL), whatever the retention.
  idempotencyRecords: (pool) => purgeExpiredIdempotencyRecords(pool),
  webhookDeliveries: purgeWebhookDeliveries,
  alerts: purgeClosedAlerts,
  alertOutbox: purgeRelayedOutbox,
};

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
      const counts = await purgeExpiredData(this.pool, { retentionDays: this.config.DATA_RETENTION_DAYS }, RETENTION_PURGES);
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
