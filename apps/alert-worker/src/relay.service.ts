import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { OutboxRelay, RelayQueue } from '@ledger/monitoring';
import { LEDGER_CONFIG, PG_POOL, REDIS_URL, type LedgerConfig } from '@ledger/platform';
import { ALERT_LOGGER } from './tokens';

/** Moves the projector's alert outbox into the queue; safe to run in every worker (SKIP LOCKED, job-id dedup). */
@Injectable()
export class RelayService implements OnModuleInit, OnModuleDestroy {
  private readonly queue: RelayQueue;
  private readonly relay: OutboxRelay;

  constructor(
    @Inject(PG_POOL) pool: Pool,
    @Inject(REDIS_URL) redisUrl: string,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
    @Inject(ALERT_LOGGER) logger: Logger,
  ) {
    this.queue = new RelayQueue(redisUrl, config.ALERT_QUEUE_PREFIX);
    this.relay = new OutboxRelay(pool, this.queue, {
      logger,
      jobOptions: { attempts: config.ALERT_WEBHOOK_ATTEMPTS, backoffMs: config.ALERT_WEBHOOK_BACKOFF },
    });
  }

  onModuleInit(): void {
    this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
    await this.queue.close();
  }
}
