import * as payloads from '../../../libs/provider-webhooks/src/testing';
import type { ApiHarness } from '../../support/api-harness';
import {
  STRIPE_OLD_SECRET,
  eventCount,
  eventsOf,
  outcomes,
  paystackSignature,
  postPaystack,
  postStripe,
  startWebhookHarness,
} from './support/webhook-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await startWebhookHarness();
});
afterAll(() => api.close());

const ids = { paymentIntent: 'pi_3SigTestLkdIwHu7ix28a3tq', charge: 'ch_3SigTestLkdIwHu7ix0W4cKb', paymentId: 'pay_sig' };
const event = payloads.stripeEvent('evt_1SigTest00000000000001', 'payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded'));
const payload = JSON.stringify(event);

async function expectRefused(res: { status: number; body: any }): Promise<void> {
  expect(res.status).toBe(401);
  expect(res.body.error.code).toBe('invalid_signature');
  expect(await eventCount(api)).toBe(0);
}

describe('Webhook credentials', () => {
  it.each([
    ['a tampered body', { sentBody: payload.replace('"amount":2000', '"amount":9000') }],
    ['the wrong secret', { secret: 'whsec_not_ours' }],
    ['a missing header', { header: null }],
    ['a garbage header', { header: 't=abc,v1=xyz' }],
    ['a timestamp 301 s old', { skew: -301 }],
    ['a timestamp 301 s in the future', { skew: 301 }],
  ])('Stripe: refuses %s with 401 and appends nothing', async (_label, opts) => {
    await expectRefused(await postStripe(api, payload, opts));
  });

  it('Paystack: refuses a tampered body, a wrong key and a missing header', async () => {
    const body = JSON.stringify(payloads.chargeSuccess('sig_ref_1'));
    await expectRefused(await postPaystack(api, body, { secret: 'sk_test_not_ours' }));
    await expectRefused(await postPaystack(api, body, { header: null }));
    const signedOther = await postPaystack(api, body.replace('10000', '90000'), { header: paystackSignature(body) });
    await expectRefused(signedOther);
  });

  it('counts the refusals for the audit report, without trusting anything in the unsigned body', async () => {
    const stripe = await outcomes(api, 'stripe');
    expect(stripe.invalid_signature).toBe(6);
    const { rows } = await api.db.pool.query(
      `SELECT DISTINCT detail FROM ledger.webhook_deliveries WHERE outcome = 'invalid_signature' AND delivery_id IS NULL`,
    );
    expect(rows.map((r) => r.detail).sort()).toEqual([
      'malformed_header',
      'missing_header',
      'no_matching_signature',
      'timestamp_out_of_tolerance',
    ]);
  });

  it('accepts a delivery signed with the previous secret during a rotation, and one within tolerance', async () => {
    const res = await postStripe(api, payload, { secret: STRIPE_OLD_SECRET, skew: -290 });
    expect(res.status).toBe(200);
    expect(await eventsOf(api, 'pay_sig')).toHaveLength(3);
  });

  it('answers malformed JSON with 400', async () => {
    const res = await postStripe(api, '{"id": "evt_1", "type": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
  });

  it('answers a signed payload it cannot map with 400 invalid_payload', async () => {
    const broken = payloads.stripeEvent(
      'evt_1SigBroken',
      'payment_intent.succeeded',
      payloads.paymentIntent(ids, 'succeeded', { amount: 12.5 }),
    );
    const res = await postStripe(api, broken);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_payload');
  });

  it('needs no API key, and carries the webhook rate-limit headers', async () => {
    const res = await postStripe(api, payloads.stripeEvent('evt_1SigIgnored', 'customer.created', { id: 'cus_1' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit')).toBe('100000');
  });
});

describe('Webhook rate limit', () => {
  let limited: ApiHarness;
  beforeAll(async () => {
    limited = await startWebhookHarness({ RATE_LIMITS: 'webhook=2/1m' });
  });
  afterAll(() => limited.close());

  it('limits webhooks per client address', async () => {
    const send = () => postStripe(limited, payloads.stripeEvent('evt_1RateLimited', 'customer.created', { id: 'cus_1' }));
    const statuses = [(await send()).status, (await send()).status, (await send()).status];
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe('Webhook allowlist', () => {
  let listed: ApiHarness;
  beforeAll(async () => {
    listed = await startWebhookHarness({ PAYSTACK_WEBHOOK_ALLOWLIST: '203.0.113.0/24' });
  });
  afterAll(() => listed.close());

  it('refuses a provider address outside its allowlist (the test client is 127.0.0.1), and X-Forwarded-For without a trusted proxy', async () => {
    const body = JSON.stringify(payloads.chargeSuccess('allow_ref_1'));
    const res = await postPaystack(listed, body);
    expect(res.status).toBe(403);
    const spoofed = await fetch(`${listed.baseUrl}/v1/webhooks/paystack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7', 'x-paystack-signature': paystackSignature(body) },
      body,
    });
    expect(spoofed.status).toBe(403);
    expect(await outcomes(listed, 'paystack')).toEqual({ forbidden_ip: 2 });
  });

  it('leaves the other provider open when only one has an allowlist', async () => {
    const res = await postStripe(listed, payloads.stripeEvent('evt_1AllowOpen', 'customer.created', { id: 'cus_1' }));
    expect(res.status).toBe(200);
  });
});
