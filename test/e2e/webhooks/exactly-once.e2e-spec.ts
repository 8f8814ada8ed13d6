import * as payloads from '../../../libs/provider-webhooks/src/testing';
import type { ApiHarness } from '../../support/api-harness';
import { eventsOf, outcomes, postPaystack, postStripe, startWebhookHarness } from './support/webhook-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await startWebhookHarness();
});
afterAll(() => api.close());

const ids = { paymentIntent: 'pi_3OnceLkdIwHu7ix28a3tqPa', charge: 'ch_3OnceLkdIwHu7ix0W4cKb1a', paymentId: 'pay_once' };

describe('Exactly once', () => {
  it('appends a delivery posted 20 times at once exactly once, answering 200 to each', async () => {
    const body = JSON.stringify(
      payloads.stripeEvent('evt_1OnceSucceeded', 'payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded')),
    );
    const answers = await Promise.all(Array.from({ length: 20 }, () => postStripe(api, body)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    const events = await eventsOf(api, 'pay_once');
    expect(events.map((e) => e.type)).toEqual(['PaymentCreated', 'PaymentProcessing', 'PaymentSucceeded']);
  });

  it('appends a concurrent refund delivery once', async () => {
    const body = JSON.stringify(payloads.stripeEvent('evt_1OnceRefund', 'refund.created', payloads.refundObject(ids, 're_once', 700)));
    const answers = await Promise.all(Array.from({ length: 20 }, () => postStripe(api, body)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect((await eventsOf(api, 'pay_once')).filter((e) => e.type === 'PaymentRefunded')).toHaveLength(1);
  });

  it('absorbs a retry after the stream has moved on (no TTL involved), and counts it as a duplicate', async () => {
    const before = (await outcomes(api, 'stripe')).duplicate ?? 0;
    await postStripe(api, payloads.stripeEvent('evt_1OnceDispute', 'charge.dispute.created', payloads.dispute(ids, 500)));
    await api.db.pool.query(`DELETE FROM ledger.idempotency_keys`);
    const retry = await postStripe(
      api,
      payloads.stripeEvent('evt_1OnceSucceeded', 'payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded')),
    );
    expect(retry.body).toEqual({ received: true, outcome: 'duplicate' });
    expect((await eventsOf(api, 'pay_once')).map((e) => e.type)).toEqual([
      'PaymentCreated',
      'PaymentProcessing',
      'PaymentSucceeded',
      'PaymentRefunded',
      'PaymentDisputed',
    ]);
    expect((await outcomes(api, 'stripe')).duplicate).toBeGreaterThan(before);
  });

  it('appends a Paystack delivery without an id (hashed body) once, sequentially and concurrently', async () => {
    await postPaystack(api, payloads.chargeSuccess('once_ref_1', { metadata: { paymentId: 'pay_once_ps' } }));
    const refund = JSON.stringify(payloads.refundProcessed('once_ref_1', 'rf_once', '2500'));
    const answers = await Promise.all(Array.from({ length: 10 }, () => postPaystack(api, refund)));
    answers.push(await postPaystack(api, refund));
    expect(answers.map((a) => a.status)).toEqual(Array(11).fill(200));
    const refunds = (await eventsOf(api, 'pay_once_ps')).filter((e) => e.type === 'PaymentRefunded');
    expect(refunds.map((e) => e.data.amount)).toEqual([2500]);
  });
});
