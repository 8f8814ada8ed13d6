import { randomUUID } from 'node:crypto';
import * as payloads from '../../../libs/provider-webhooks/src/testing';
import type { ApiHarness } from '../../support/api-harness';
import { eventsOf, outcomes, paymentIdFor, postStripe, startWebhookHarness } from './support/webhook-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await startWebhookHarness();
});
afterAll(() => api.close());

const newIds = (paymentId?: string): payloads.StripeIds => {
  const tail = randomUUID()
    .replace(/-/g, '')
    .slice(0, 20)
    .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]);
  return { paymentIntent: `pi_${tail}`, charge: `ch_${tail}`, paymentId };
};
const evt = () => `evt_${randomUUID().replace(/-/g, '')}`;

async function expectOk(res: { status: number; body: unknown }, outcome = 'handled'): Promise<void> {
  expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { received: true, outcome } });
}

describe('Stripe webhooks', () => {
  it('records create → success → partial refund → second partial refund → dispute', async () => {
    const ids = newIds('pay_stripe_life');
    await expectOk(
      await postStripe(api, payloads.stripeEvent(evt(), 'payment_intent.created', payloads.paymentIntent(ids, 'requires_payment_method'))),
    );
    const succeededEvt = evt();
    await expectOk(
      await postStripe(api, payloads.stripeEvent(succeededEvt, 'payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded'))),
    );
    // Stripe also sends charge.succeeded for the same payment: already there, nothing appended.
    await expectOk(await postStripe(api, payloads.stripeEvent(evt(), 'charge.succeeded', payloads.charge(ids))), 'noop');
    const first = [{ id: 're_first', amount: 500 }];
    await expectOk(await postStripe(api, payloads.stripeEvent(evt(), 'charge.refunded', payloads.refundedCharge(ids, first))));
    // refund.created for the refund charge.refunded already recorded: the refund id pins it down.
    await expectOk(
      await postStripe(api, payloads.stripeEvent(evt(), 'refund.created', payloads.refundObject(ids, 're_first', 500))),
      'noop',
    );
    const both = [...first, { id: 're_second', amount: 300 }];
    await expectOk(await postStripe(api, payloads.stripeEvent(evt(), 'charge.refunded', payloads.refundedCharge(ids, both))));
    await expectOk(await postStripe(api, payloads.stripeEvent(evt(), 'charge.dispute.created', payloads.dispute(ids, 2000))));

    const events = await eventsOf(api, 'pay_stripe_life');
    expect(events.map((e) => e.type)).toEqual([
      'PaymentCreated',
      'PaymentProcessing',
      'PaymentSucceeded',
      'PaymentRefunded',
      'PaymentRefunded',
      'PaymentDisputed',
    ]);
    expect(events[0].data).toEqual({
      paymentId: 'pay_stripe_life',
      provider: 'stripe',
      amount: 2000,
      currency: 'USD',
      customerId: 'cus_NffrFeUfNV2Hib',
      description: 'Order #1042',
      createdAt: expect.any(String),
    });
    expect(events[2].data).toMatchObject({ amount: 2000, currency: 'USD', providerPaymentId: ids.paymentIntent });
    expect(events[3].data).toMatchObject({ refundId: 're_first', amount: 500, totalRefunded: 500 });
    expect(events[4].data).toMatchObject({ refundId: 're_second', amount: 300, totalRefunded: 800 });
    expect(events[5].data).toMatchObject({ reason: 'fraudulent', amount: 2000 });
    expect(events.map((e) => e.metadata.actor)).toEqual(Array(6).fill('webhook:stripe'));
    expect(events[2].metadata.causationId).toBe(succeededEvt);
    expect(await paymentIdFor(api, 'stripe', ids.paymentIntent)).toBe('pay_stripe_life');
  });

  it('puts the delivery id in the metadata of every event it causes', async () => {
    const ids = newIds('pay_stripe_meta');
    const delivery = evt();
    await expectOk(
      await postStripe(api, payloads.stripeEvent(delivery, 'payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded'))),
    );
    const events = await eventsOf(api, 'pay_stripe_meta');
    expect(events.map((e) => e.metadata)).toEqual(
      Array(3).fill(expect.objectContaining({ actor: 'webhook:stripe', deliveryId: delivery, schemaVersion: 2 })),
    );
  });

  it('records a failure with the decline code', async () => {
    const ids = newIds();
    await expectOk(await postStripe(api, payloads.stripeEvent(evt(), 'payment_intent.payment_failed', payloads.declinedIntent(ids))));
    const paymentId = await paymentIdFor(api, 'stripe', ids.paymentIntent);
    const events = await eventsOf(api, paymentId!);
    // A failed attempt the provider reports: the payment is failed now, not for good (a retry may succeed).
    expect(events.map((e) => e.type)).toEqual(['PaymentCreated', 'PaymentProcessing', 'PaymentAttemptFailed']);
    expect(events[2].data).toMatchObject({ errorCode: 'insufficient_funds', errorMessage: 'Your card has insufficient funds.' });
  });

  it('creates on first sight when the success arrives before anything else, keeping the card reference only', async () => {
    const ids = newIds();
    await expectOk(await postStripe(api, payloads.stripeEvent(evt(), 'charge.succeeded', payloads.charge(ids))));
    const paymentId = await paymentIdFor(api, 'stripe', ids.charge);
    expect(await paymentIdFor(api, 'stripe', ids.paymentIntent)).toBe(paymentId);
    const events = await eventsOf(api, paymentId!);
    expect(events.map((e) => e.type)).toEqual(['PaymentCreated', 'PaymentProcessing', 'PaymentSucceeded']);
    expect(events[0].data.card).toEqual({ token: 'pm_1MtHbELkdIwHu7ixl4OzzPMv', brand: 'visa', last4: '4242' });
    // A late payment_intent.created changes nothing.
    await expectOk(
      await postStripe(api, payloads.stripeEvent(evt(), 'payment_intent.created', payloads.paymentIntent(ids, 'requires_payment_method'))),
      'noop',
    );
    expect(await eventsOf(api, paymentId!)).toHaveLength(3);
  });

  it('flags fraud from an early fraud warning', async () => {
    const ids = newIds('pay_stripe_efw');
    await postStripe(api, payloads.stripeEvent(evt(), 'payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded')));
    await expectOk(
      await postStripe(api, payloads.stripeEvent(evt(), 'radar.early_fraud_warning.created', payloads.earlyFraudWarning(ids))),
    );
    const events = await eventsOf(api, 'pay_stripe_efw');
    expect(events.at(-1)).toMatchObject({ type: 'PaymentFraudFlagged', data: { reason: 'early_fraud_warning:made_with_stolen_card' } });
  });

  it('answers 404 for a refund of a payment it has never seen, so Stripe retries it later', async () => {
    const ids = newIds();
    const res = await postStripe(api, payloads.stripeEvent(evt(), 'refund.created', payloads.refundObject(ids, 're_orphan', 100)));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('payment_not_found');
  });

  it('answers 200 to event types it ignores, and counts them by type', async () => {
    const before = (await outcomes(api, 'stripe')).ignored ?? 0;
    const res = await postStripe(api, payloads.stripeEvent(evt(), 'customer.created', { id: 'cus_1', object: 'customer' }));
    await expectOk(res, 'ignored');
    expect((await outcomes(api, 'stripe')).ignored).toBe(before + 1);
    const { rows } = await api.db.pool.query(
      `SELECT count(*)::int AS n FROM ledger.webhook_deliveries WHERE outcome = 'ignored' AND event_type = 'customer.created'`,
    );
    expect(rows[0].n).toBe(1);
  });

  it('masks card data in a payload instead of refusing it, and stores none of it', async () => {
    const ids = newIds('pay_stripe_pan');
    const intent = payloads.paymentIntent(ids, 'succeeded', { description: 'paid with 4242 4242 4242 4242' });
    await expectOk(await postStripe(api, payloads.stripeEvent(evt(), 'payment_intent.succeeded', intent)));
    const [created] = await eventsOf(api, 'pay_stripe_pan');
    expect(JSON.stringify(created)).not.toMatch(/4242 4242 4242 4242|4242424242424242/);
  });
});
