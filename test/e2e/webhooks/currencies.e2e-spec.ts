import { randomUUID } from 'node:crypto';
import { CURRENCIES } from '@ledger/payments-domain';
import * as payloads from '../../../libs/provider-webhooks/src/testing';
import { call, type ApiHarness } from '../../support/api-harness';
import { eventCount, eventsOf, paymentIdFor, postPaystack, postStripe, startWebhookHarness } from './support/webhook-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await startWebhookHarness();
});
afterAll(() => api.close());

let seq = 0;
/** A Stripe payment first seen as succeeded, its refund, and a dispute: all in `currency` with Stripe's amounts. */
async function stripePayment(currency: string, amounts: { charge: number; refund?: number; dispute?: number }) {
  seq += 1;
  const ids = { paymentIntent: `pi_cur_${seq}_${currency}`, charge: `ch_cur_${seq}_${currency}` };
  const lower = currency.toLowerCase();
  const money = { amount: amounts.charge, amount_received: amounts.charge, currency: lower };
  const sent = [
    await postStripe(
      api,
      payloads.stripeEvent(`evt_cur_${seq}_a`, 'payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded', money)),
    ),
    await postStripe(
      api,
      payloads.stripeEvent(
        `evt_cur_${seq}_b`,
        'charge.succeeded',
        payloads.charge(ids, { amount: amounts.charge, amount_captured: amounts.charge, currency: lower }),
      ),
    ),
  ];
  if (amounts.refund !== undefined) {
    const refund = { ...payloads.refundObject(ids, `re_cur_${seq}`, amounts.refund), currency: lower };
    sent.push(await postStripe(api, payloads.stripeEvent(`evt_cur_${seq}_c`, 'refund.created', refund, 1_700_000_100)));
  }
  if (amounts.dispute !== undefined) {
    const dispute = { ...payloads.dispute(ids, amounts.dispute), id: `dp_cur_${seq}`, currency: lower };
    sent.push(await postStripe(api, payloads.stripeEvent(`evt_cur_${seq}_d`, 'charge.dispute.created', dispute, 1_700_000_200)));
  }
  const paymentId = await paymentIdFor(api, 'stripe', ids.paymentIntent);
  return { statuses: sent.map((s) => s.status), bodies: sent.map((s) => s.body), paymentId };
}

async function booked(paymentId: string) {
  const events = await eventsOf(api, paymentId);
  const of = (type: string) => events.filter((e) => e.type === type).map((e) => ({ amount: e.data.amount, currency: e.data.currency }));
  return {
    created: of('PaymentCreated'),
    succeeded: of('PaymentSucceeded'),
    refunded: of('PaymentRefunded'),
    disputed: of('PaymentDisputed'),
  };
}

describe('Every ISO currency, in each provider’s own exponent', () => {
  // Issue 28 case 12: refused with 400 and never recorded before; Stripe writes all of them two-decimal, as ISO does.
  it.each(['THB', 'IDR', 'PHP', 'MYR', 'TWD', 'RON', 'COP'])('books a Stripe payment, refund and dispute in %s', async (currency) => {
    const sent = await stripePayment(currency, { charge: 123456, refund: 20050, dispute: 50000 });
    expect(sent.statuses).toEqual([200, 200, 200, 200]);
    expect(await booked(sent.paymentId!)).toEqual({
      created: [{ amount: 123456, currency }],
      succeeded: [{ amount: 123456, currency }],
      refunded: [{ amount: 20050, currency }],
      disputed: [{ amount: 50000, currency }],
    });
  });

  it.each([
    // currency, Stripe's charge / refund / dispute, the ledger's ISO minor units of each
    ['ISK', [50000, 10000, 20000], [500, 100, 200]],
    ['UGX', [380000, 100000, 380000], [3800, 1000, 3800]],
    ['MGA', [5000, 1000, 2000], [500000, 100000, 200000]],
    ['JPY', [5000, 1000, 2000], [5000, 1000, 2000]],
    ['KWD', [5120, 1000, 2000], [5120, 1000, 2000]],
    ['HUF', [1045, 45, 1000], [1045, 45, 1000]],
  ] as const)('books Stripe %s amounts in ISO minor units', async (currency, [charge, refund, dispute], [c, r, d]) => {
    const sent = await stripePayment(currency, { charge, refund, dispute });
    expect(sent.statuses).toEqual([200, 200, 200, 200]);
    expect(await booked(sent.paymentId!)).toEqual({
      created: [{ amount: c, currency }],
      succeeded: [{ amount: c, currency }],
      refunded: [{ amount: r, currency }],
      disputed: [{ amount: d, currency }],
    });
  });

  it.each([
    ['ISK', 50050, 'must be a multiple of 100'],
    ['UGX', 99, 'must be a multiple of 100'],
    ['KWD', 5124, 'must be a multiple of 10'],
  ])('refuses a Stripe %s amount Stripe never sends (%i): 400 naming the field, nothing appended', async (currency, amount, why) => {
    const before = await eventCount(api);
    const sent = await stripePayment(currency, { charge: amount });
    expect(sent.statuses).toEqual([400, 400]);
    expect(JSON.stringify(sent.bodies[0])).toContain('data.object.amount');
    expect(JSON.stringify(sent.bodies[0])).toContain(why);
    expect(sent.paymentId).toBeUndefined();
    expect(await eventCount(api)).toBe(before);
  });

  it.each([
    // Paystack writes every currency in its subunit, ×100 of the major unit, XOF included
    ['NGN', '500000', 500000],
    ['GHS', '2550', 2550],
    ['KES', '10000', 10000],
    ['ZAR', '9999', 9999],
    ['USD', '1999', 1999],
    ['XOF', '250000', 2500],
  ])('books a Paystack charge in %s (amount %s) as %i ISO minor units', async (currency, amount, minor) => {
    const reference = `T_cur_${currency}_${randomUUID().slice(0, 8)}`;
    expect((await postPaystack(api, payloads.chargeSuccess(reference, { id: 400_000 + seq++, amount, currency }))).status).toBe(200);
    const paymentId = (await paymentIdFor(api, 'paystack', reference))!;
    expect((await booked(paymentId)).created).toEqual([{ amount: minor, currency }]);
  });

  it('refuses a Paystack XOF amount that is not whole francs: 400, nothing appended', async () => {
    const before = await eventCount(api);
    const sent = await postPaystack(api, payloads.chargeSuccess('T_cur_xof_fraction', { id: 499_999, amount: '250050', currency: 'XOF' }));
    expect(sent.status).toBe(400);
    expect(JSON.stringify(sent.body)).toContain('data.amount');
    expect(await eventCount(api)).toBe(before);
  });

  it('accepts a payment in every active ISO 4217 currency through the API, booked as sent', async () => {
    const refused: string[] = [];
    for (const currency of CURRENCIES) {
      const res = await call(api, 'POST', '/v1/payments', {
        key: api.keys['payments:write'],
        headers: { 'idempotency-key': randomUUID() },
        body: { provider: 'stripe', amount: 1234, currency, customerId: `cust-${currency}` },
      });
      if (res.status !== 201 || res.body.currency !== currency || res.body.amount !== 1234) refused.push(`${currency}: ${res.status}`);
    }
    expect(refused).toEqual([]);
    expect(CURRENCIES).toEqual(expect.arrayContaining(['THB', 'IDR', 'PHP', 'MYR', 'TWD', 'RON', 'COP', 'XCG']));
  });

  it.each(['XAU', 'XDR', 'CLF', 'XTS'])(
    'refuses %s (a unit, not a currency a payment is made in) through the API with 400',
    async (currency) => {
      const res = await call(api, 'POST', '/v1/payments', {
        key: api.keys['payments:write'],
        headers: { 'idempotency-key': randomUUID() },
        body: { provider: 'stripe', amount: 1234, currency, customerId: 'cust-units' },
      });
      expect(res.status).toBe(400);
    },
  );
});
