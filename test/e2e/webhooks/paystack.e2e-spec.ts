import * as payloads from '../../../libs/provider-webhooks/src/testing';
import type { ApiHarness } from '../../support/api-harness';
import { eventsOf, paymentIdFor, postPaystack, startWebhookHarness } from './support/webhook-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await startWebhookHarness();
});
afterAll(() => api.close());

describe('Paystack webhooks', () => {
  it('keeps two equal partial refunds without a refund id as two refunds, and a redelivery as one', async () => {
    const reference = 'T_equal_refunds_1';
    expect((await postPaystack(api, payloads.chargeSuccess(reference, { amount: '10000' }))).status).toBe(200);
    const paymentId = (await paymentIdFor(api, 'paystack', reference))!;
    const refundAt = (at: string) => {
      const event = payloads.refundProcessed(reference, null as unknown as string, '1500');
      return { ...event, data: { ...(event.data as object), refunded_at: at } };
    };
    const first = refundAt('2026-11-30T10:00:00.000Z');
    expect((await postPaystack(api, first)).status).toBe(200);
    expect((await postPaystack(api, first)).status).toBe(200);
    expect((await postPaystack(api, refundAt('2026-11-30T11:00:00.000Z'))).status).toBe(200);
    const refunds = (await eventsOf(api, paymentId)).filter((e) => e.type === 'PaymentRefunded');
    expect(refunds.map((e) => e.data.amount)).toEqual([1500, 1500]);
    expect(refunds[1].data.totalRefunded).toBe(3000);
  });

  it('creates a payment on charge.success, then records refunds (amounts as strings) and a dispute', async () => {
    const ok = await postPaystack(api, payloads.chargeSuccess('T685312322670591', { amount: '10000' }));
    expect(ok.body).toEqual({ received: true, outcome: 'handled' });
    const paymentId = (await paymentIdFor(api, 'paystack', 'T685312322670591'))!;
    expect(paymentId).toBeDefined();
    expect((await postPaystack(api, payloads.refundProcessed('T685312322670591', 'rf_a', '3000'))).status).toBe(200);
    expect((await postPaystack(api, payloads.refundProcessed('T685312322670591', 'rf_b', 2000))).status).toBe(200);
    expect((await postPaystack(api, payloads.disputeCreated('T685312322670591', 5000))).status).toBe(200);

    const events = await eventsOf(api, paymentId);
    expect(events.map((e) => e.type)).toEqual([
      'PaymentCreated',
      'PaymentProcessing',
      'PaymentSucceeded',
      'PaymentRefunded',
      'PaymentRefunded',
      'PaymentDisputed',
    ]);
    expect(events[0].data).toMatchObject({
      provider: 'paystack',
      amount: 10000,
      currency: 'NGN',
      customerId: 'CUS_qo38as2hpsgk2r0',
      card: { token: 'AUTH_f5rnfq9p', brand: 'mastercard DEBIT', last4: '8877' },
    });
    expect(JSON.stringify(events[0].data)).not.toContain('539999');
    expect(events[2].data).toMatchObject({ providerPaymentId: 'T685312322670591' });
    expect(events[4].data).toMatchObject({ refundId: 'rf_b', amount: 2000, totalRefunded: 5000 });
    expect(events[5].data).toMatchObject({ reason: 'chargeback', amount: 5000, currency: 'NGN' });
    expect(events.map((e) => e.metadata.actor)).toEqual(Array(6).fill('webhook:paystack'));
  });

  it('uses our payment id from the transaction metadata', async () => {
    await postPaystack(api, payloads.chargeSuccess('T_meta_1', { metadata: { paymentId: 'pay_ps_meta' } }));
    expect((await eventsOf(api, 'pay_ps_meta')).map((e) => e.type)).toEqual(['PaymentCreated', 'PaymentProcessing', 'PaymentSucceeded']);
  });

  it('refuses an amount that is not integer minor units', async () => {
    await postPaystack(api, payloads.chargeSuccess('T_amount_1'));
    const res = await postPaystack(api, payloads.refundProcessed('T_amount_1', 'rf_x', '25.50'));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_payload');
  });

  it('ignores other event types with 200', async () => {
    const res = await postPaystack(api, { event: 'transfer.success', data: { id: 1, amount: 5000 } });
    expect(res.body).toEqual({ received: true, outcome: 'ignored' });
  });
});
