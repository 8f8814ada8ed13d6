import * as payloads from '../../../libs/provider-webhooks/src/testing';
import { rng } from '../projections/support/workload';
import { postStripe } from '../webhooks/support/webhook-harness';
import { evt, startMoneyHarness, tail, type MoneyHarness } from './support';

const HOUR = 3_600;
const WEEK = 7 * 24 * HOUR;

describe('Two clocks under delayed deliveries', () => {
  let h: MoneyHarness;
  beforeAll(async () => {
    h = await startMoneyHarness();
  });
  afterAll(() => h.close());

  it('puts every success in the hour of its provider time and times processing by the provider timestamps', async () => {
    const random = rng(20261201);
    const now = Math.floor(Date.now() / 1000);
    const start = now - WEEK - 2 * 24 * HOUR;
    const payments = Array.from({ length: 60 }, () => {
      const ids: payloads.StripeIds = { paymentIntent: `pi_${tail()}`, charge: `ch_${tail()}`, paymentId: `pay_${tail()}` };
      const createdAt = start + Math.floor(random() * WEEK);
      const succeededAt = createdAt + 1 + Math.floor(random() * 900);
      const amount = 100 + Math.floor(random() * 50_000);
      const intent = (status: string) =>
        payloads.paymentIntent(ids, status, { created: createdAt, amount, amount_received: status === 'succeeded' ? amount : 0 });
      const deliveries = [
        {
          at: succeededAt + Math.floor(random() * 48 * HOUR),
          event: payloads.stripeEvent(evt(), 'payment_intent.succeeded', intent('succeeded'), succeededAt),
        },
      ];
      if (random() < 0.5) {
        deliveries.push({
          at: createdAt + Math.floor(random() * 48 * HOUR),
          event: payloads.stripeEvent(evt(), 'payment_intent.created', intent('requires_payment_method'), createdAt),
        });
      }
      return { ids, createdAt, succeededAt, amount, deliveries };
    });
    // Delivered in the order they reach us, which is not the order they happened in.
    const deliveries = payments.flatMap((p) => p.deliveries).sort((a, b) => a.at - b.at);
    for (const d of deliveries) expect((await postStripe(h.api, d.event)).status).toBe(200);
    await h.settle();

    const expected = new Map<string, { count: number; volume: number }>();
    for (const p of payments) {
      const bucket = new Date(Math.floor(p.succeededAt / HOUR) * HOUR * 1000).toISOString();
      const b = expected.get(bucket) ?? { count: 0, volume: 0 };
      expected.set(bucket, { count: b.count + 1, volume: b.volume + p.amount });
    }
    const buckets = await h.queries.volumeOverTime({
      granularity: 'hour',
      from: new Date((start - HOUR) * 1000),
      to: new Date((now + HOUR) * 1000),
    });
    expect(buckets.map((b) => [b.bucketStart, b.count, b.volume]).sort()).toEqual(
      [...expected].map(([bucket, b]) => [bucket, b.count, String(b.volume)]).sort(),
    );

    const { rows } = await h.api.db.pool.query(`SELECT payment_id, processing_time_ms, succeeded_at, created_at FROM read_models.payments`);
    const byId = new Map(rows.map((r) => [r.payment_id as string, r]));
    for (const p of payments) {
      const row = byId.get(p.ids.paymentId!)!;
      expect([p.ids.paymentId, Number(row.processing_time_ms)]).toEqual([p.ids.paymentId, (p.succeededAt - p.createdAt) * 1000]);
      expect((row.succeeded_at as Date).getTime()).toBe(p.succeededAt * 1000);
    }
  });

  it('does not believe a provider time more than 5 minutes ahead: the received time stands in, and the event says so', async () => {
    const ids: payloads.StripeIds = { paymentIntent: `pi_${tail()}`, charge: `ch_${tail()}`, paymentId: `pay_${tail()}` };
    const ahead = Math.floor(Date.now() / 1000) + 3_600;
    const before = Date.now();
    await postStripe(
      h.api,
      payloads.stripeEvent(evt(), 'payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded', { created: ahead - 10 }), ahead),
    );
    const { rows } = await h.api.db.pool.query(`SELECT metadata FROM event_store.events WHERE stream_id = $1 ORDER BY revision`, [
      `payment-${ids.paymentId}`,
    ]);
    expect(rows).toHaveLength(3);
    for (const { metadata } of rows) {
      expect(Date.parse(metadata.occurredAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(metadata.occurredAt)).toBeLessThan(ahead * 1000 - 3_000_000);
      expect(metadata.providerTimeAhead).toBe(new Date(ahead * 1000).toISOString());
    }
  });
});
