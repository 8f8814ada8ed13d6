import { appendPayment, waitFor } from './support/payments';
import { startPipeline, type Pipeline } from './support/pipeline';

let p: Pipeline;
let failUntil = Infinity;
beforeAll(async () => {
  p = await startPipeline({ attempts: 3, answer: () => (p.webhook.attempts.length <= failUntil ? 503 : 200) });
});
afterAll(() => p.stop());

it('retries a failing webhook with backoff, then dead-letters it after the last try', async () => {
  const paymentId = await appendPayment(p.store, { amount: 400_000, currency: 'USD' });
  const dead = await waitFor(
    async () => (await p.db.pool.query(`SELECT alert_id, sink, attempts FROM monitoring.alert_dead_letters`)).rows[0],
    'a dead letter',
  );
  expect(dead).toMatchObject({ sink: 'webhook', attempts: 3 });
  expect(p.webhook.attempts.map((a) => a.details?.paymentId)).toEqual([paymentId, paymentId, paymentId]);
  const stored = await p.alerts();
  expect(stored).toEqual([expect.objectContaining({ id: dead.alert_id, status: 'open' })]);
  expect(p.logs.filter((l) => l.includes(dead.alert_id) && l.includes('alert raised'))).toHaveLength(1);
});

it('delivers on a later try when the webhook comes back, without a dead letter', async () => {
  failUntil = p.webhook.attempts.length + 1;
  await appendPayment(p.store, { amount: 500_000, currency: 'USD' });
  await waitFor(async () => p.webhook.received.length === 1, 'delivery after one failure');
  // The worker records the delivery after the webhook has answered: wait for that record, not only for the call.
  const delivered = async () =>
    (await p.db.pool.query(`SELECT count(*)::int AS n FROM monitoring.alerts WHERE webhook_delivered_at IS NOT NULL`)).rows[0].n;
  await waitFor(async () => (await delivered()) >= 1, 'the delivery recorded');
  expect(await delivered()).toBe(1);
  expect((await p.db.pool.query(`SELECT count(*)::int AS n FROM monitoring.alert_dead_letters`)).rows[0].n).toBe(1);
});
