import { randomUUID } from 'node:crypto';
import * as payloads from '../../../libs/provider-webhooks/src/testing';
import { call, type ApiHarness } from '../../support/api-harness';
import { newPaymentBody, write } from '../api/fixtures';
import { eventCount, eventsOf, paymentIdFor, postPaystack, postStripe, startWebhookHarness } from '../webhooks/support/webhook-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await startWebhookHarness();
});
afterAll(() => api.close());

const raw = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(`${api.baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${write(api)}`, 'content-type': 'application/json', 'idempotency-key': randomUUID(), ...headers },
    body,
  }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));
const create = (body: unknown) =>
  call(api, 'POST', '/v1/payments', { key: write(api), headers: { 'idempotency-key': randomUUID() }, body });
const detailPaths = (res: { body: any }) => res.body.error.details.map((d: { path: string }) => d.path);
const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const stripeIds = (paymentId?: string): payloads.StripeIds => {
  const tail = randomUUID()
    .replace(/-/g, '')
    .slice(0, 20)
    .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]);
  return { paymentIntent: `pi_${tail}`, charge: `ch_${tail}`, paymentId };
};
const evt = () => `evt_${randomUUID().replace(/-/g, '')}`;

describe('Depth, before routing, on every route (issue 29, case 6)', () => {
  it('answers a signed Stripe webhook nested 10,000 deep with 400, never 500, and appends nothing', async () => {
    const before = await eventCount(api);
    const event = JSON.stringify(payloads.stripeEvent(evt(), 'payment_intent.created', payloads.paymentIntent(stripeIds(), 'processing')));
    const res = await postStripe(api, event.replace('"metadata":{}', `"metadata":{"deep":${nested(10_000)}}`));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(await eventCount(api)).toBe(before);
  });

  it('answers a signed Paystack webhook and an API command nested 10,000 deep with 400', async () => {
    const paystack = await postPaystack(api, `{"event":"charge.success","data":${nested(10_000)}}`);
    expect(paystack.status).toBe(400);
    const command = await raw('/v1/payments', nested(10_000));
    expect(command.status).toBe(400);
    expect(command.body.error.details).toEqual([{ path: '(body)', message: 'nests deeper than 32 levels' }]);
  });
});

describe('Prototype keys (issue 29, case 7)', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('refuses %s as a key anywhere in a command body, naming it', async (key) => {
    const body = JSON.stringify(newPaymentBody({ metadata: { order: '1' } })).replace('"metadata":{', `"metadata":{"${key}":{"x":"1"},`);
    const res = await raw('/v1/payments', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details).toContainEqual({ path: `metadata.${key}`, message: 'is a reserved name' });
  });

  it('refuses them in the query', async () => {
    const res = await call(api, 'GET', '/v1/payments/x?__proto__=1&constructor=2', { key: api.keys.admin });
    expect(res.status).toBe(400);
    expect(detailPaths(res)).toEqual(['query.__proto__', 'query.constructor']);
  });

  it('never links a webhook to a payment named through an own __proto__ key', async () => {
    const foreign = await create(newPaymentBody({ paymentId: `pay_${randomUUID().slice(0, 8)}` }));
    expect(foreign.status).toBe(201);
    const victim = foreign.body.paymentId as string;
    const ids = stripeIds();
    const event = JSON.stringify(payloads.stripeEvent(evt(), 'payment_intent.created', payloads.paymentIntent(ids, 'processing')));
    const res = await postStripe(api, event.replace('"metadata":{}', `"metadata":{"__proto__":{"paymentId":"${victim}"}}`));
    expect(res.status).toBe(200);
    const linked = await paymentIdFor(api, 'stripe', ids.paymentIntent);
    expect(linked).toBeDefined();
    expect(linked).not.toBe(victim);
    expect((await eventsOf(api, victim)).map((e) => e.type)).toEqual(['PaymentCreated']);
  });
});

describe('Encoding and bidi controls (issue 29, case 10)', () => {
  it('refuses a body that is not UTF-8 instead of storing U+FFFD', async () => {
    const valid = Buffer.from(JSON.stringify(newPaymentBody({ description: 'caf\u00e9' })));
    const invalid = Buffer.from(valid.toString('latin1').replace('caf\u00c3\u00a9', 'caf\u00e9'), 'latin1');
    const res = await raw('/v1/payments', invalid);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: '(body)', message: 'must be valid UTF-8' }]);
    // On a webhook route too, before the signature is even looked at.
    const webhook = await raw('/v1/webhooks/stripe', Buffer.from('{"id":"evt_1","type":"x","data":{"object":{"d":"\xff"}}}', 'latin1'));
    expect(webhook.status).toBe(400);
  });

  it('refuses a path or query escape that is not UTF-8', async () => {
    for (const path of ['/v1/payments/caf%E9', '/v1/payments/x?provider=%C3%28']) {
      const res = await call(api, 'GET', path, { key: api.keys.admin });
      expect({ path, status: res.status, code: res.body.error.code }).toEqual({ path, status: 400, code: 'validation_failed' });
    }
  });

  it.each([
    ['description', { description: 'refund \u202Egnp.exe' }],
    ['metadata.note', { metadata: { note: 'a\u2066b\u2069' } }],
  ])('refuses bidi overrides and isolates in free text (%s)', async (path, fields) => {
    const res = await create(newPaymentBody(fields));
    expect(res.status).toBe(400);
    expect(detailPaths(res)).toEqual([path]);
  });

  it('refuses them in a reason, and keeps the marks right-to-left text needs', async () => {
    const payment = await create(newPaymentBody());
    const flag = (reason: string) =>
      call(api, 'POST', `/v1/payments/${payment.body.paymentId}/fraud-flags`, {
        key: write(api),
        headers: { 'idempotency-key': randomUUID() },
        body: { reason },
      });
    expect((await flag('velocity \u202Dx')).status).toBe(400);
    expect((await flag('\u200F\u05D7\u05E9\u05D5\u05D3')).status).toBe(201);
  });
});
