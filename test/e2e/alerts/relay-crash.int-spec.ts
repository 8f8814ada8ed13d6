import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { appendPayment, appendPayments, waitFor } from './support/payments';
import { countBy, settled, startPipeline, type Pipeline } from './support/pipeline';

const root = join(__dirname, '..', '..', '..');
let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline({ relay: false });
});
afterAll(() => p.stop());

/** A real process running the relay (TypeScript through test/support/swc-register.js). */
function runRelay(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, ['-r', join(root, 'test/support/swc-register.js'), join(__dirname, 'support/relay-child.ts')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DATABASE_URL: p.db.url, REDIS_URL: p.redisUrl, PREFIX: p.prefix, ...env },
  });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

it('loses and doubles nothing when the relay is SIGKILLed between the queue add and marking the outbox', async () => {
  await appendPayments(p.store, 20, { outcome: 'succeeded' });
  await appendPayments(p.store, 5, { outcome: 'failed' });
  await appendPayment(p.store, { amount: 250_000, currency: 'USD' });
  const raised = await waitFor(async () => {
    const rows = await p.outbox();
    return rows.length >= 3 && rows;
  }, 'alerts in the outbox');
  expect(raised.every((r) => r.relayed_at === null)).toBe(true);

  expect(await runRelay({ CRASH: 'after-add' })).toEqual({ code: null, signal: 'SIGKILL' });
  expect((await p.outbox()).every((r) => r.relayed_at === null)).toBe(true);

  expect(await runRelay({})).toEqual({ code: 0, signal: null });
  await settled(p, raised.length);
  const delivered = countBy(p.webhook.received, (r) => r.alert.id);
  expect(Object.keys(delivered).sort()).toEqual(raised.map((r) => r.job_id).sort());
  expect(Object.values(delivered).every((n) => n === 1)).toBe(true);
  expect((await p.queue.getJobCounts('completed')).completed).toBe(raised.length);
}, 90_000);
