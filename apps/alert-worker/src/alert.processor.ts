import { Inject, type OnModuleDestroy } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { ALERT_QUEUE, type AlertDelivery, type AlertJob } from '@ledger/monitoring';
import { ALERT_DELIVERY } from './tokens';

/** Several workers may run at once: BullMQ gives each job to one of them, and every sink is idempotent by alert id. */
@Processor(ALERT_QUEUE, { concurrency: 4 })
export class AlertProcessor extends WorkerHost implements OnModuleDestroy {
  constructor(@Inject(ALERT_DELIVERY) private readonly delivery: AlertDelivery) {
    super();
  }

  process(job: Job<AlertJob>): Promise<void> {
    return this.delivery.deliver(job);
  }

  /** close() without force waits for the jobs in hand, so a deploy never cuts a webhook call in half. */
  async onModuleDestroy(): Promise<void> {
    await this.worker.close();
  }
}
