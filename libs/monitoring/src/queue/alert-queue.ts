import type { ConnectionOptions, JobsOptions, Queue } from 'bullmq';
import { ALERT_QUEUE, type AlertJob } from '../alerts/alert';

/** The relay's view of the queue: only what it needs, so tests and crash drills can wrap it. */
export type AlertQueue = Pick<Queue<AlertJob>, 'addBulk'>;

export interface AlertJobRetry {
  readonly attempts?: number;
  readonly backoffMs?: number;
}

/**
 * Completed jobs are kept a week: BullMQ dedups on job id only while the job
 * exists, and a relay re-adding after a crash must find it.
 */
export function alertJobOptions(retry: AlertJobRetry = {}): JobsOptions {
  return {
    attempts: retry.attempts ?? 8,
    backoff: { type: 'exponential', delay: retry.backoffMs ?? 1_000 },
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  };
}

/**
 * Fails fast while Redis is down (the outbox holds the alerts) and reconnects
 * within a second. Not enableOfflineQueue: false, which BullMQ's start-up cannot live with.
 */
export function alertQueueConnection(redisUrl: string): ConnectionOptions {
  return { url: redisUrl, maxRetriesPerRequest: 1, retryStrategy: (times: number) => Math.min(times * 100, 1_000) };
}

/**
 * BullMQ (and its ioredis) loads at the first queue made, not with the lib: the API imports @ledger/monitoring for
 * its alert rules and never makes a queue (4 MB of its RSS).
 */
export function createAlertQueue(redisUrl: string, prefix?: string): Queue<AlertJob> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Queue } = require('bullmq') as typeof import('bullmq');
  const queue = new Queue<AlertJob>(ALERT_QUEUE, { connection: alertQueueConnection(redisUrl), prefix, skipWaitingForReady: true });
  queue.on('error', () => undefined);
  return queue;
}

/**
 * The relay's producer. After a failed add it drops the Queue and makes a new
 * one for the next pass: a BullMQ connection that failed while Redis was down
 * was seen to stay failed after Redis came back.
 */
export class RelayQueue implements AlertQueue {
  private queue: Queue<AlertJob>;
  private readonly retired: Promise<void>[] = [];

  constructor(
    private readonly redisUrl: string,
    private readonly prefix?: string,
  ) {
    this.queue = createAlertQueue(redisUrl, prefix);
  }

  async addBulk(jobs: Parameters<AlertQueue['addBulk']>[0]): ReturnType<AlertQueue['addBulk']> {
    try {
      return await this.queue.addBulk(jobs);
    } catch (error) {
      const broken = this.queue;
      this.queue = createAlertQueue(this.redisUrl, this.prefix);
      this.retired.push(broken.close().catch(() => undefined));
      throw error;
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.queue.close(), ...this.retired]);
  }
}
