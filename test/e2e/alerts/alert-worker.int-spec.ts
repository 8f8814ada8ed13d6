import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { alertKey, createAlertQueue, newAlert, writeToOutbox, type AlertPayload } from '@ledger/monitoring';
import { createTestDatabase, testServices, uniquePrefix, type TestDatabase } from '@ledger/testing';
import { waitFor } from './support/payments';
import { WEBHOOK_SECRET } from './support/pipeline';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

const root = join(__dirname, '..', '..', '..');
let db: TestDatabase;
let webhook: WebhookReceiver;
/** While set, the webhook holds each call until the test lets it answer. */
let held: Promise<void> | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  webhook = await startWebhookReceiver(WEBHOOK_SECRET, async () => {
    await held;
    return 200;
  });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await webhook.close();
  await db.drop();
});

/** The real apps/alert-worker main.ts (Nest, @nestjs/bullmq), from source through test/support/swc-register.js. */
function startWorker(prefix: string): { child: ChildProcess; exited: Promise<number | null>; output: string[] } {
  const child = spawn(process.execPath, ['-r', join(root, 'test/support/swc-register.js'), join(root, 'apps/alert-worker/src/main.ts')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      REDIS_URL: testServices().redisUrl,
      ALERT_QUEUE_PREFIX: prefix,
      ALERT_WEBHOOK_URL: webhook.url,
      ALERT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ALERT_WEBHOOK_BACKOFF: '50ms',
      LOG_LEVEL: 'info',
    },
  });
  children.push(child);
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(String(chunk)));
  return { child, exited: new Promise((r) => child.once('exit', (code) => r(code))), output };
}

const alerts = (n: number, tag: string): AlertPayload[] =>
  Array.from({ length: n }, (_, i) =>
    newAlert({
      key: alertKey('suspicious_amount', `${tag}-${i}`),
      rule: 'suspicious_amount',
      kind: 'raised',
      severity: 'warning',
      provider: 'stripe',
      title: `test ${tag} ${i}`,
      value: 200_000,
      threshold: 100_000,
      windowStart: new Date().toISOString(),
      windowEnd: new Date().toISOString(),
      raisedAt: new Date().toISOString(),
    }),
  );

it('two workers side by side relay and deliver every alert once, signed', async () => {
  const prefix = uniquePrefix('worker');
  const workers = [startWorker(prefix), startWorker(prefix)];
  const batch = alerts(12, 'pair');
  await writeToOutbox(db.pool, batch);
  await waitFor(async () => webhook.received.length >= batch.length, 'deliveries', 30_000);
  // Every row relayed and no job left for either worker: a second delivery of any alert would be in by now.
  const queue = createAlertQueue(testServices().redisUrl, prefix);
  try {
    await waitFor(async () => {
      const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM monitoring.alert_outbox WHERE relayed_at IS NULL`);
      const jobs = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      return rows[0].n === 0 && Object.values(jobs).every((n) => n === 0);
    }, 'the queue to drain');
  } finally {
    await queue.close();
  }
  expect(webhook.received.map((r) => r.alert.id).sort()).toEqual(batch.map((a) => a.id).sort());
  expect(webhook.received.every((r) => r.signatureValid)).toBe(true);
  // One worker may have done all the work while the other was still starting (a loaded machine): a SIGTERM before
  // its handler is in place would end it by the signal. Both have said they started before either is stopped.
  await waitFor(async () => workers.every((w) => w.output.join('').includes('alert worker started')), 'both workers started');
  for (const w of workers) w.child.kill('SIGTERM');
  expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
}, 60_000);

it('finishes the job in hand on SIGTERM, then exits 0', async () => {
  const worker = startWorker(uniquePrefix('worker'));
  let answer = () => undefined as void;
  held = new Promise<void>((resolve) => (answer = resolve));
  const [alert] = alerts(1, 'shutdown');
  const before = webhook.attempts.length;
  await writeToOutbox(db.pool, [alert]);
  await waitFor(async () => webhook.attempts.length > before, 'the webhook call to start', 30_000);
  // SIGTERM while the call is in hand; the webhook answers only once the worker says it is stopping.
  worker.child.kill('SIGTERM');
  await waitFor(async () => worker.output.join('').includes('alert worker stopping after the jobs in hand'), 'the worker to stop');
  answer();
  expect(await worker.exited).toBe(0);
  held = undefined;
  const { rows } = await db.pool.query(`SELECT webhook_delivered_at FROM monitoring.alerts WHERE id = $1`, [alert.id]);
  expect(rows[0].webhook_delivered_at).not.toBeNull();
  expect(webhook.received.filter((r) => r.alert.id === alert.id)).toHaveLength(1);
}, 60_000);
