import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { AlertJob } from '../alerts/alert';
import { deadLetter, markWebhookDelivered, recordAlert, webhookDelivered } from './alerts-table';
import type { WebhookSink } from './webhook-sink';

/** What a processor needs of a BullMQ job. */
export interface AlertJobRun {
  readonly data: AlertJob;
  readonly attemptsMade: number;
  readonly opts: { readonly attempts?: number };
}

const LEVEL = { critical: 'error', warning: 'warn', info: 'info' } as const;

/**
 * The worker's three sinks, each idempotent by alert id: the table row is
 * inserted once and the log line written only by the insert that made it; the
 * webhook is skipped once recorded as delivered. A retry (BullMQ backoff) only
 * redoes what has not succeeded; the last failed try leaves a dead letter.
 */
export class AlertDelivery {
  constructor(
    private readonly pool: Pool,
    private readonly logger: Pick<Logger, 'error' | 'warn' | 'info'>,
    private readonly webhook?: WebhookSink,
  ) {}

  async deliver(job: AlertJobRun): Promise<void> {
    const alert = job.data;
    if (await recordAlert(this.pool, alert)) {
      this.logger[LEVEL[alert.severity]]({ alert }, `alert ${alert.kind}: ${alert.title}`);
    }
    if (!this.webhook || (await webhookDelivered(this.pool, alert.id))) return;
    try {
      await this.webhook.send(alert);
    } catch (error) {
      const attempts = job.attemptsMade + 1;
      if (attempts >= (job.opts.attempts ?? 1)) {
        await deadLetter(this.pool, alert, 'webhook', (error as Error).message, attempts);
        this.logger.error({ alertId: alert.id, attempts }, 'alert webhook gave up: dead-lettered');
      }
      throw error;
    }
    await markWebhookDelivered(this.pool, alert.id);
  }
}
