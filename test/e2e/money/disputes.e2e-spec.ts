import { randomUUID } from 'node:crypto';
import * as payloads from '../../../libs/provider-webhooks/src/testing';
import { call } from '../../support/api-harness';
import { ledger } from '../cli/support/cli';
import { postPaystack, postStripe } from '../webhooks/support/webhook-harness';
import { evt, startMoneyHarness, tail, type MoneyHarness } from './support';

type Outcome = 'won' | 'lost';

/** What finance must see, computed from the scenario itself, not from the ledger's code. */
interface Expected {
  succeeded: bigint;
  refunded: bigint;
  disputedOpen: bigint;
  losses: bigint;
  disputedPayments: number;
}

describe('Disputes to their end, both providers and the API', () => {
  let h: MoneyHarness;
  const expected = new Map<string, Expected>();
  const add = (currency: string, e: Partial<Expected>) => {
    const x = expected.get(currency) ?? { succeeded: 0n, refunded: 0n, disputedOpen: 0n, losses: 0n, disputedPayments: 0 };
    x.succeeded += e.succeeded ?? 0n;
    x.refunded += e.refunded ?? 0n;
    x.disputedOpen += e.disputedOpen ?? 0n;
    x.losses += e.losses ?? 0n;
    x.disputedPayments += e.disputedPayments ?? 0;
    expected.set(currency, x);
  };

  beforeAll(async () => {
    h = await startMoneyHarness();
  });
  afterAll(() => h.close());

  const paymentOf = async (id: string) => (await call(h.api, 'GET', `/v1/payments/${id}`, { key: h.api.keys['payments:read'] })).body;

  it.each<Outcome>(['won', 'lost'])('Stripe: created, updated, funds withdrawn, closed as %s; redelivered', async (outcome) => {
    const ids: payloads.StripeIds = { paymentIntent: `pi_${tail()}`, charge: `ch_${tail()}`, paymentId: `pay_${tail()}` };
    await postStripe(h.api, payloads.stripeEvent(evt(), 'payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded')));
    const dispute = (status: string) => ({ ...payloads.dispute(ids, 1500), id: `dp_${ids.charge}`, status });
    const closed = payloads.stripeEvent(evt(), 'charge.dispute.closed', dispute(outcome));
    for (const event of [
      payloads.stripeEvent(evt(), 'charge.dispute.created', dispute('needs_response')),
      payloads.stripeEvent(evt(), 'charge.dispute.updated', dispute('under_review')),
      payloads.stripeEvent(evt(), 'charge.dispute.funds_withdrawn', dispute('under_review')),
      closed,
      closed,
    ]) {
      expect((await postStripe(h.api, event)).status).toBe(200);
    }
    if (outcome === 'won')
      expect((await postStripe(h.api, payloads.stripeEvent(evt(), 'charge.dispute.funds_reinstated', dispute('won')))).status).toBe(200);
    const payment = await paymentOf(ids.paymentId!);
    expect(payment.disputes).toEqual([
      { disputeId: `dp_${ids.charge}`, providerDisputeId: `dp_${ids.charge}`, amount: 1500, status: outcome },
    ]);
    add('USD', { succeeded: 2000n, disputedPayments: 1, losses: outcome === 'lost' ? 1500n : 0n });
  });

  it.each<[string, Outcome]>([
    ['merchant-accepted', 'lost'],
    ['declined', 'won'],
  ])('Paystack: create, remind, resolve (%s)', async (resolution, outcome) => {
    const reference = `T${tail()}`;
    await postPaystack(h.api, payloads.chargeSuccess(reference, { amount: '10000' }));
    const disputeId = Math.floor(Math.random() * 1e9);
    const event = (type: string, extra: Record<string, unknown> = {}) => {
      const base = payloads.disputeCreated(reference, 4000);
      return { ...base, event: type, data: { ...(base.data as object), id: disputeId, ...extra } };
    };
    for (const e of [
      event('charge.dispute.create'),
      event('charge.dispute.remind'),
      event('charge.dispute.resolve', { status: 'resolved', resolution }),
    ]) {
      expect((await postPaystack(h.api, e)).status).toBe(200);
    }
    const paymentId = (await h.api.db.pool.query(`SELECT payment_id FROM ledger.provider_references WHERE reference = $1`, [reference]))
      .rows[0].payment_id;
    expect((await paymentOf(paymentId)).disputes).toMatchObject([{ disputeId: String(disputeId), amount: 4000, status: outcome }]);
    add('NGN', { succeeded: 10000n, disputedPayments: 1, losses: outcome === 'lost' ? 4000n : 0n });
  });

  it('API: a dispute opened with the provider id is the provider dispute; closed as lost through the API; one stays open', async () => {
    const write = { key: h.api.keys['payments:write'] };
    const ids: payloads.StripeIds = { paymentIntent: `pi_${tail()}`, charge: `ch_${tail()}`, paymentId: `pay_${tail()}` };
    await postStripe(h.api, payloads.stripeEvent(evt(), 'payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded')));
    const opened = await call(h.api, 'POST', `/v1/payments/${ids.paymentId}/disputes`, {
      ...write,
      headers: { 'idempotency-key': randomUUID() },
      body: { reason: 'fraudulent', amount: 700, providerDisputeId: 'du_api_1' },
    });
    expect(opened.status).toBe(201);
    // Stripe's own report of the same dispute adds nothing.
    await postStripe(h.api, payloads.stripeEvent(evt(), 'charge.dispute.created', { ...payloads.dispute(ids, 700), id: 'du_api_1' }));
    const close = await call(h.api, 'POST', `/v1/payments/${ids.paymentId}/disputes/du_api_1/close`, {
      ...write,
      headers: { 'idempotency-key': randomUUID() },
      body: { outcome: 'lost' },
    });
    expect(close).toMatchObject({ status: 200, body: { disputes: [{ disputeId: 'du_api_1', status: 'lost', amount: 700 }] } });
    const refused = await call(h.api, 'POST', `/v1/payments/${ids.paymentId}/disputes/du_api_1/close`, {
      ...write,
      headers: { 'idempotency-key': randomUUID() },
      body: { outcome: 'won' },
    });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'dispute_already_closed' } } });
    const unknown = await call(h.api, 'POST', `/v1/payments/${ids.paymentId}/disputes/du_nope/close`, {
      ...write,
      headers: { 'idempotency-key': randomUUID() },
      body: { outcome: 'won' },
    });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'dispute_not_found' } } });

    const open: payloads.StripeIds = { paymentIntent: `pi_${tail()}`, charge: `ch_${tail()}`, paymentId: `pay_${tail()}` };
    await postStripe(h.api, payloads.stripeEvent(evt(), 'payment_intent.succeeded', payloads.paymentIntent(open, 'succeeded')));
    await postStripe(h.api, payloads.stripeEvent(evt(), 'refund.created', payloads.refundObject(open, `re_${tail()}`, 300)));
    await postStripe(h.api, payloads.stripeEvent(evt(), 'charge.dispute.created', { ...payloads.dispute(open, 1200), id: `du_${tail()}` }));
    add('USD', { succeeded: 4000n, disputedPayments: 2, losses: 700n, refunded: 300n, disputedOpen: 1200n });
  });

  it('finance sees disputed, dispute losses and net as computed from the scenarios, and audit verify agrees', async () => {
    await h.settle();
    const metrics = await h.queries.metrics({});
    for (const [currency, e] of expected) {
      const row = metrics.volumes.find((v) => v.currency === currency)!;
      expect(row).toMatchObject({
        succeeded: String(e.succeeded),
        refunded: String(e.refunded),
        disputed: String(e.disputedOpen),
        disputeLosses: String(e.losses),
        net: String(e.succeeded - e.refunded - e.losses),
      });
    }
    expect(metrics.counts.disputed).toBe([...expected.values()].reduce((s, e) => s + e.disputedPayments, 0));
    const usd = expected.get('USD')!;
    const report = await ledger(['audit', 'report', '--days', '3650'], { DATABASE_URL: h.api.db.url });
    expect(report.stdout).toContain(
      `| USD | ${usd.succeeded} | ${usd.succeeded} | ${usd.refunded} | ${usd.disputedOpen} | ${usd.losses} | ${usd.succeeded - usd.refunded - usd.losses} |`,
    );
    const verify = await ledger(['audit', 'verify'], { DATABASE_URL: h.api.db.url });
    expect({ code: verify.code, out: verify.stdout.slice(-2000) }).toMatchObject({ code: 0 });
  });
});
