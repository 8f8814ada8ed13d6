import { randomUUID } from 'node:crypto';
import * as payloads from '../../../libs/provider-webhooks/src/testing';
import { call, type ApiHarness } from '../../support/api-harness';
import { eventsOf, postStripe, startWebhookHarness } from './support/webhook-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await startWebhookHarness();
});
afterAll(() => api.close());

const evt = () => `evt_${randomUUID().replace(/-/g, '')}`;

describe('A refund reported by the API and by the provider', () => {
  it('is counted once when the API recorded it with the provider refund id', async () => {
    const tail = randomUUID()
      .replace(/-/g, '')
      .slice(0, 20)
      .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]);
    const ids: payloads.StripeIds = { paymentIntent: `pi_${tail}`, charge: `ch_${tail}`, paymentId: `pay_${tail}` };
    const write = { key: api.keys['payments:write'] };
    const created = await call(api, 'POST', '/v1/payments', {
      ...write,
      headers: { 'idempotency-key': `create-${tail}` },
      body: { paymentId: ids.paymentId, provider: 'stripe', amount: 2000, currency: 'USD' },
    });
    expect(created.status).toBe(201);
    expect(
      (await postStripe(api, payloads.stripeEvent(evt(), 'payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded')))).status,
    ).toBe(200);

    const refunded = await call(api, 'POST', `/v1/payments/${ids.paymentId}/refunds`, {
      ...write,
      headers: { 'idempotency-key': `refund-${tail}` },
      body: { amount: 500, providerRefundId: 're_api_1' },
    });
    expect(refunded).toMatchObject({ status: 201, body: { refundedAmount: 500 } });
    const reported = await postStripe(api, payloads.stripeEvent(evt(), 'refund.created', payloads.refundObject(ids, 're_api_1', 500)));
    expect(reported).toMatchObject({ status: 200, body: { outcome: 'noop' } });

    const refunds = (await eventsOf(api, ids.paymentId as string)).filter((e) => e.type === 'PaymentRefunded');
    expect(refunds).toHaveLength(1);
    expect(refunds[0].data).toMatchObject({ amount: 500, providerRefundId: 're_api_1' });
  });
});
