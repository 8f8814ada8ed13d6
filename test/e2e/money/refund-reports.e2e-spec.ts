import fc from 'fast-check';
import * as payloads from '../../../libs/provider-webhooks/src/testing';
import { call } from '../../support/api-harness';
import { postPaystack, postStripe } from '../webhooks/support/webhook-harness';
import { deliver, evt, startMoneyHarness, tail, type MoneyHarness } from './support';

/**
 * Refund histories and every report each channel would send about them,
 * shuffled, duplicated and delivered partly concurrently through the real HTTP
 * API. The expected numbers come from the generated history alone.
 */
interface RealRefund {
  readonly id: string;
  readonly amount: number;
  readonly createdAt: number;
  readonly failedAt?: number;
  readonly viaApi: boolean;
}

const CAPTURED = 2000;
const T0 = 1_700_000_000;

const historyArb = fc
  .array(fc.record({ amount: fc.integer({ min: 1, max: 500 }), fails: fc.boolean(), viaApi: fc.boolean(), listed: fc.boolean() }), {
    minLength: 1,
    maxLength: 4,
  })
  .map((drafts) =>
    drafts.map((d, i) => ({
      id: `re_${tail()}`,
      amount: d.amount,
      createdAt: T0 + (i + 1) * 60,
      failedAt: d.fails && i % 2 === 0 ? T0 + (i + 1) * 60 + 30 : undefined,
      viaApi: d.viaApi,
      listed: d.listed,
    })),
  );

const alive = (refunds: readonly RealRefund[], t: number) =>
  refunds.filter((r) => r.createdAt <= t && (r.failedAt === undefined || r.failedAt > t));
const standing = (refunds: readonly RealRefund[]) => refunds.filter((r) => r.failedAt === undefined).reduce((s, r) => s + r.amount, 0);

type Delivery =
  { kind: 'stripe'; event: object } | { kind: 'paystack'; event: object } | { kind: 'api'; path: string; key: string; body: object };

function stripeReports(ids: payloads.StripeIds, paymentId: string, refunds: readonly (RealRefund & { listed: boolean })[]): Delivery[] {
  const out: Delivery[] = [];
  const refundObject = (r: RealRefund, status: string) => ({ ...payloads.refundObject(ids, r.id, r.amount), created: r.createdAt, status });
  for (const r of refunds) {
    if (r.viaApi) {
      out.push({
        kind: 'api',
        path: `/v1/payments/${paymentId}/refunds`,
        key: `api-${r.id}`,
        body: { amount: r.amount, providerRefundId: r.id },
      });
    }
    out.push({ kind: 'stripe', event: payloads.stripeEvent(evt(), 'refund.created', refundObject(r, 'succeeded'), r.createdAt) });
    // charge.refunded as of this refund: with its list on older API versions, without it on current ones.
    const now = alive(refunds, r.createdAt);
    const total = now.reduce((s, x) => s + x.amount, 0);
    const list = r.listed ? now.map((x) => refundObject(x, 'succeeded')) : undefined;
    const charge = payloads.charge(ids, {
      amount_refunded: total,
      refunded: total >= CAPTURED,
      refunds: list && { object: 'list', data: list, has_more: false },
    });
    out.push({ kind: 'stripe', event: payloads.stripeEvent(evt(), 'charge.refunded', charge, r.createdAt) });
    if (r.failedAt !== undefined) {
      out.push({ kind: 'stripe', event: payloads.stripeEvent(evt(), 'charge.refund.updated', refundObject(r, 'failed'), r.failedAt) });
    }
  }
  return out;
}

describe('Refunds reported through every channel, in any order', () => {
  let h: MoneyHarness;
  beforeAll(async () => {
    h = await startMoneyHarness();
  });
  afterAll(() => h.close());

  const send = (d: Delivery) => {
    if (d.kind === 'stripe') return postStripe(h.api, d.event);
    if (d.kind === 'paystack') return postPaystack(h.api, d.event);
    return call(h.api, 'POST', d.path, { key: h.api.keys['payments:write'], headers: { 'idempotency-key': d.key }, body: d.body });
  };

  async function succeededStripePayment(): Promise<{ ids: payloads.StripeIds; paymentId: string }> {
    const ids: payloads.StripeIds = { paymentIntent: `pi_${tail()}`, charge: `ch_${tail()}`, paymentId: `pay_${tail()}` };
    const res = await postStripe(h.api, payloads.stripeEvent(evt(), 'payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded')));
    expect(res.status).toBe(200);
    return { ids, paymentId: ids.paymentId! };
  }

  const paymentOf = async (id: string) => (await call(h.api, 'GET', `/v1/payments/${id}`, { key: h.api.keys['payments:read'] })).body;

  it('Stripe: the refunded amount is the sum of the distinct refunds that stand, never above the captured amount', async () => {
    const expected = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(historyArb, fc.infiniteStream(fc.nat()), async (refunds, randoms) => {
        const { ids, paymentId } = await succeededStripePayment();
        const reports = stripeReports(ids, paymentId, refunds);
        const it = randoms[Symbol.iterator]();
        const shuffled = [...reports, ...reports.filter(() => it.next().value % 3 === 0)].sort(() => (it.next().value % 3) - 1);
        await deliver(shuffled, send);
        const payment = await paymentOf(paymentId);
        expect(payment.refundedAmount).toBe(standing(refunds));
        expect(payment.refundedAmount).toBeLessThanOrEqual(CAPTURED);
        expected.set(paymentId, standing(refunds));
      }),
      { numRuns: 12 },
    );
    await h.settle();
    const metrics = await h.queries.metrics({ provider: 'stripe', currency: 'USD' });
    const refunded = [...expected.values()].reduce((s, v) => s + v, 0);
    const usd = metrics.volumes.find((v) => v.currency === 'USD')!;
    expect(usd.refunded).toBe(String(refunded));
    expect(usd.net).toBe(String(BigInt(usd.succeeded) - BigInt(refunded) - BigInt(usd.disputeLosses)));
  });

  it('Paystack: refunds named by Paystack and recorded through the API count once, equal ones stay apart', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ amount: fc.constantFrom(500, 500, 700), viaApi: fc.boolean() }), { minLength: 1, maxLength: 3 }),
        async (drafts) => {
          const reference = `T${tail()}`;
          expect((await postPaystack(h.api, payloads.chargeSuccess(reference, { amount: '10000' }))).status).toBe(200);
          const payment = (await h.api.db.pool.query(`SELECT payment_id FROM ledger.provider_references WHERE reference = $1`, [reference]))
            .rows[0].payment_id;
          const reports: Delivery[] = [];
          drafts.forEach((d, i) => {
            const refundReference = `rf_${reference}_${i}`;
            if (d.viaApi)
              reports.push({
                kind: 'api',
                path: `/v1/payments/${payment}/refunds`,
                key: `api-${refundReference}`,
                body: { amount: d.amount, providerRefundId: refundReference },
              });
            const event = payloads.refundProcessed(reference, refundReference, String(d.amount));
            reports.push({ kind: 'paystack', event }, { kind: 'paystack', event });
          });
          await deliver(reports.reverse(), send);
          expect((await paymentOf(payment)).refundedAmount).toBe(drafts.reduce((s, d) => s + d.amount, 0));
        },
      ),
      { numRuns: 8 },
    );
  });
});
