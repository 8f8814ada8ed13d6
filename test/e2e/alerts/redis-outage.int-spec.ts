import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRedisServer, type RunningService } from '@ledger/platform';
import { appendPayment, appendPayments, waitFor } from './support/payments';
import { countBy, projected, settled, startPipeline, type Pipeline } from './support/pipeline';

// A redis-server of this file's own, so stopping it disturbs no other test.
const dataDir = mkdtempSync(join(tmpdir(), 'alerts-redis-'));
let port: number;
let redis: RunningService;
let p: Pipeline;

beforeAll(async () => {
  port = await freePort();
  redis = await startRedisServer({ dataDir, port });
  p = await startPipeline({ redisUrl: redis.url });
});
afterAll(async () => {
  await p.stop();
  await redis.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('keeps alerts raised while Redis is down in the outbox and delivers each once when it returns', async () => {
  await redis.stop();
  await appendPayments(p.store, 20, { outcome: 'succeeded' });
  await appendPayments(p.store, 5, { outcome: 'failed' });
  await appendPayment(p.store, { amount: 500_000, currency: 'USD', provider: 'paystack' });
  for (let i = 0; i < 11; i++) await appendPayment(p.store, { provider: 'paystack', outcome: 'pending', fraudFlags: 1 });
  // Every alert written, and a relay pass has tried to add them and failed: the relay says so once.
  await projected(p);
  await waitFor(async () => p.relayLogs.some((line) => line.includes('alerts wait in the outbox')), 'a relay pass to fail');
  const waiting = await p.outbox();
  expect(waiting.length).toBeGreaterThanOrEqual(4);
  expect(waiting.every((r) => r.relayed_at === null)).toBe(true);
  expect(p.webhook.received).toHaveLength(0);

  redis = await startRedisServer({ dataDir, port });
  await settled(p, waiting.length);
  const ids = countBy(p.webhook.received, (r) => r.alert.id);
  expect(Object.keys(ids).sort()).toEqual((await p.outbox()).map((r) => r.job_id).sort());
  expect(Object.values(ids).every((n) => n === 1)).toBe(true);
  expect(countBy(p.webhook.received, (r) => r.alert.rule)).toMatchObject({ failure_rate: 1, fraud_flags: 1, suspicious_amount: 1 });
}, 90_000);
