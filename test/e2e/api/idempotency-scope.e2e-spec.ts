import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';
import { newPaymentBody, storedEvents, succeededPayment, write } from './fixtures';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api.close());

const post = (path: string, key: string, body: unknown) =>
  call(api, 'POST', path, { key: write(api), headers: { 'idempotency-key': key }, body });

const reused = { status: 422, body: { error: { code: 'idempotency_key_reused' } } };

describe('An Idempotency-Key is scoped to the API key, not the endpoint', () => {
  it('refuses the create key on every later command and path alias, and appends nothing for them', async () => {
    const created = await post('/v1/payments', 'one-key', newPaymentBody({ amount: 700 }));
    expect(created.status).toBe(201);
    const id = created.body.paymentId as string;
    expect(await post(`/v1/payments/${id}/processing`, 'one-key', {})).toMatchObject(reused);
    expect(await post(`/v1/payments/${id}/success`, 'one-key', {})).toMatchObject(reused);
    expect(await post(`/v1/payments/${id}/refunds`, 'one-key', { amount: 100 })).toMatchObject(reused);
    expect(await post('/V1/PAYMENTS/', 'one-key', newPaymentBody({ amount: 800 }))).toMatchObject(reused);
    expect(await post('/v1/payments/', 'one-key', newPaymentBody({ amount: 900 }))).toMatchObject(reused);
    const events = await storedEvents(api, id);
    expect(events.map((e) => e.type)).toEqual(['PaymentCreated']);
    expect(await storedEvents(api)).toHaveLength(1);
  });

  it('refuses a key used on one payment for the same command on another payment', async () => {
    const a = await succeededPayment(api, { amount: 1000 });
    const b = await succeededPayment(api, { amount: 1000 });
    expect((await post(`/v1/payments/${a}/refunds`, 'refund-key', { amount: 10 })).status).toBe(201);
    expect(await post(`/v1/payments/${b}/refunds`, 'refund-key', { amount: 10 })).toMatchObject(reused);
    expect((await storedEvents(api, b)).filter((e) => e.type === 'PaymentRefunded')).toHaveLength(0);
  });

  it('treats a path alias of the same request as that request: a replay, never a second payment', async () => {
    const body = newPaymentBody({ paymentId: 'alias-1' });
    const first = await post('/v1/payments', 'alias-key', body);
    const alias = await post('/V1/Payments/', 'alias-key', body);
    expect(alias.status).toBe(201);
    expect(alias.headers.get('idempotent-replayed')).toBe('true');
    expect(alias.text).toBe(first.text);
    expect(await storedEvents(api, 'alias-1')).toHaveLength(1);
  });

  it('replays the first response byte for byte, a success and a refusal alike', async () => {
    const body = newPaymentBody({ description: 'zeta before alpha', card: { token: 'tok_1', last4: '4242', brand: 'visa' } });
    const first = await post('/v1/payments', 'bytes-key', body);
    expect(first).toMatchObject({ status: 201 });
    const again = await post('/v1/payments', 'bytes-key', body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
    expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'));

    const id = await succeededPayment(api, { amount: 100 });
    const refused = await post(`/v1/payments/${id}/refunds`, 'too-much', { amount: 500 });
    const replayed = await post(`/v1/payments/${id}/refunds`, 'too-much', { amount: 500 });
    expect(refused.status).toBe(409);
    expect(replayed.status).toBe(409);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.text).toBe(refused.text);
  });
});
