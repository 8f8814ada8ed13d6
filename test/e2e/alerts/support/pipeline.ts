import { Worker } from 'bullmq';
import pino from 'pino';
import { PostgresEventStore, comparePositions, formatPosition } from '@ledger/event-store';
import {
  ALERT_QUEUE,
  AlertDelivery,
  OutboxRelay,
  RelayQueue,
  WebhookSink,
  alertSettingsFromConfig,
  createAlertHook,
  createAlertQueue,
  type AlertJob,
  type AlertSettings,
} from '@ledger/monitoring';
import { loadConfig } from '@ledger/platform';
import { createTestDatabase, testServices, uniquePrefix, type TestDatabase } from '@ledger/testing';
// Direct files: the @ledger/projections index also loads the Nest dashboard module, which Jest cannot require.
import { alertReadModels } from '../../../../libs/projections/src/health/alert-read-models';
import { ledgerProjection } from '../../../../libs/projections/src/ledger/ledger-projection';
import type { Projection } from '../../../../libs/projections/src/runner/projection';
import { readCheckpoint } from '../../../../libs/projections/src/runner/checkpoints';
import { ProjectionRunner } from '../../../../libs/projections/src/runner/projection-runner';
import { appendPayment, waitFor } from './payments';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

export const WEBHOOK_SECRET = 'whsec_alerts_test_0123456789';

export interface PipelineOptions {
  readonly env?: Record<string, string>;
  readonly redisUrl?: string;
  readonly answer?: Parameters<typeof startWebhookReceiver>[1];
  readonly attempts?: number;
  /** Leave the relay out, for tests that run their own. */
  readonly relay?: boolean;
  /** Every projection to run (the registry's, for projection_stalled); the alert hook rides on `ledger`. Ledger alone by default. */
  readonly projections?: readonly Projection[];
}

/** The real path of an alert: event store → ProjectionRunner(onBatch = alert hook) → outbox → relay → BullMQ → worker → sinks. */
export async function startPipeline(options: PipelineOptions = {}) {
  const db: TestDatabase = await createTestDatabase();
  const redisUrl = options.redisUrl ?? testServices().redisUrl;
  const prefix = uniquePrefix('alerts');
  const webhook: WebhookReceiver = await startWebhookReceiver(WEBHOOK_SECRET, options.answer);
  const config = loadConfig({ NODE_ENV: 'test', ALERT_WEBHOOK_URL: webhook.url, ALERT_WEBHOOK_SECRET: WEBHOOK_SECRET, ...options.env });
  const settings: AlertSettings = alertSettingsFromConfig(config);
  const store = new PostgresEventStore(db.pool);
  const runner = new ProjectionRunner({
    pool: db.pool,
    store,
    projection: ledgerProjection,
    onBatch: createAlertHook(settings, alertReadModels),
  });
  const others = (options.projections ?? [ledgerProjection])
    .filter((projection) => projection.name !== ledgerProjection.name)
    .map((projection) => new ProjectionRunner({ pool: db.pool, store, projection }));
  const running = [runner, ...others].map((r) => r.run());
  await untilLive(db, store);
  const queue = createAlertQueue(redisUrl, prefix);
  const relayQueue = new RelayQueue(redisUrl, prefix);
  const jobOptions = { attempts: options.attempts ?? 3, backoffMs: 20 };
  /** The relay's own lines: it says once when it starts failing (Redis or PostgreSQL away with alerts waiting), once when it recovers. */
  const relayLogs: string[] = [];
  const relayLogger = pino({ level: 'info' }, { write: (line: string) => void relayLogs.push(line) });
  const relay = new OutboxRelay(db.pool, relayQueue, { intervalMs: 50, addTimeoutMs: 1_000, jobOptions, logger: relayLogger });
  if (options.relay !== false) relay.start();
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
  const delivery = new AlertDelivery(db.pool, logger, new WebhookSink({ url: webhook.url, secret: WEBHOOK_SECRET, timeoutMs: 2_000 }));
  const worker = new Worker<AlertJob>(ALERT_QUEUE, (job) => delivery.deliver(job), {
    connection: { url: redisUrl, retryStrategy: (n: number) => Math.min(n * 100, 500) },
    prefix,
  });
  worker.on('error', () => undefined);
  return {
    db,
    store,
    runner,
    /** Every runner: the ledger's first. */
    runners: [runner, ...others],
    relay,
    queue,
    worker,
    webhook,
    logs,
    relayLogs,
    prefix,
    redisUrl,
    settings,
    jobOptions,
    outbox: async () =>
      (
        await db.pool.query<{ job_id: string; relayed_at: Date | null }>(
          `SELECT job_id, relayed_at FROM monitoring.alert_outbox ORDER BY id`,
        )
      ).rows,
    alerts: async () =>
      (
        await db.pool.query<{ id: string; rule: string; kind: string; severity: string; status: string }>(
          `SELECT id, rule, kind, severity, status FROM monitoring.alerts ORDER BY received_at, id`,
        )
      ).rows,
    stop: async () => {
      const steps: [string, () => Promise<unknown>][] = [
        [
          'runner',
          async () => {
            await Promise.all([runner, ...others].map((r) => r.stop()));
            await Promise.all(running.map((r) => r.catch(() => undefined)));
          },
        ],
        ['relay', () => relay.stop()],
        ['worker', () => worker.close()],
        ['queue', () => queue.close()],
        ['relayQueue', () => relayQueue.close()],
        ['webhook', () => webhook.close()],
        ['db', () => db.drop()],
      ];
      for (const [, step] of steps) await step();
    },
  };
}
export type Pipeline = Awaited<ReturnType<typeof startPipeline>>;

/** One warm-up payment (a day old: history, which pages no one), projected: the runner is following the store. */
async function untilLive(db: TestDatabase, store: PostgresEventStore): Promise<void> {
  const id = await appendPayment(store, { at: new Date(Date.now() - 24 * 3_600_000) });
  await waitFor(
    async () => (await db.pool.query(`SELECT 1 FROM read_models.payments WHERE payment_id = $1`, [id])).rows.length > 0,
    'the projector',
  );
}

/**
 * The ledger projection has applied every event appended so far: each of its batches, and the alerts the hook
 * raised for it (written to the outbox in the same transaction), is committed. What a test asserts did not
 * happen after this has had every chance to.
 */
export async function projected(p: Pick<Pipeline, 'db' | 'store'>): Promise<void> {
  // The newest committed event, not the newest visible one: another spec's open transaction holds visibility back.
  const head = await p.store.committedHead('payment-');
  if (!head) return;
  await waitFor(
    async () => comparePositions((await readCheckpoint(p.db.pool, 'ledger')).position, head) >= 0,
    `the ledger projection at ${formatPosition(head)}`,
  );
}

/** Jobs BullMQ still holds for a worker: none once every relayed alert has been delivered, retried or given up. */
const PENDING = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

/**
 * Every event projected, at least `atLeast` alerts in the outbox, all relayed, the queue drained (so no retry is
 * still to come) and each delivered to the webhook: a duplicate delivery would be in `p.webhook.received` by now.
 */
export async function settled(p: Pipeline, atLeast = 1): Promise<void> {
  await projected(p);
  // A BullMQ connection that failed while Redis was away can stay failed once it is back (RelayQueue in
  // @ledger/monitoring says so too): after a failed count, the next ones go through a new queue.
  let counter = p.queue;
  const fresh: (typeof p.queue)[] = [];
  const jobCounts = async () => {
    try {
      return await counter.getJobCounts(...PENDING);
    } catch (error) {
      counter = createAlertQueue(p.redisUrl, p.prefix);
      fresh.push(counter);
      await counter.waitUntilReady().catch(() => undefined);
      throw error;
    }
  };
  const state = async () => {
    const rows = await p.outbox();
    const counts = await jobCounts();
    const pending = PENDING.reduce((sum, kind) => sum + (counts[kind] ?? 0), 0);
    return { rows: rows.length, relayed: rows.filter((r) => r.relayed_at).length, pending, delivered: p.webhook.received.length };
  };
  try {
    await waitFor(async () => {
      const s = await state().catch(() => undefined);
      return !!s && s.rows >= atLeast && s.relayed === s.rows && s.pending === 0 && s.delivered >= s.rows;
    }, 'alerts to be delivered').catch(async (error: Error) => {
      throw new Error(`${error.message} (${JSON.stringify(await state().catch((e: Error) => e.message))})`);
    });
  } finally {
    await Promise.all(fresh.map((queue) => queue.close().catch(() => undefined)));
  }
}

export function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}
