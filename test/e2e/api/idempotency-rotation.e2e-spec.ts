import { randomUUID } from 'node:crypto';
import { createApiKey, rotateApiKey } from '@ledger/security';
import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';

/** Issue 28 case 10: an Idempotency-Key follows its API key across a rotation. */
describe('A retry across an API-key rotation', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApiHarness();
  });
  afterAll(() => api.close());

  it('gets the first answer (the same payment, the same refund), never a second one', async () => {
    const { id, key } = await createApiKey(api.db.pool, { name: 'checkout', scopes: ['payments:write'] });
    const createKey = randomUUID();
    const body = { provider: 'stripe', amount: 4_200, currency: 'EUR' };
    const first = await call(api, 'POST', '/v1/payments', { key, headers: { 'idempotency-key': createKey }, body });
    expect(first.status).toBe(201);

    const rotated = await rotateApiKey(api.db.pool, id);
    const retried = await call(api, 'POST', '/v1/payments', { key: rotated.key, headers: { 'idempotency-key': createKey }, body });
    expect({ status: retried.status, paymentId: retried.body.paymentId }).toEqual({ status: 201, paymentId: first.body.paymentId });
    expect(retried.text).toBe(first.text);

    // Twice rotated, a new request still runs, and its own retry after the next rotation is answered once.
    const paymentId = first.body.paymentId as string;
    await call(api, 'POST', `/v1/payments/${paymentId}/processing`, {
      key: rotated.key,
      headers: { 'idempotency-key': randomUUID() },
      body: {},
    });
    await call(api, 'POST', `/v1/payments/${paymentId}/success`, {
      key: rotated.key,
      headers: { 'idempotency-key': randomUUID() },
      body: {},
    });
    const refundKey = randomUUID();
    const refund = await call(api, 'POST', `/v1/payments/${paymentId}/refunds`, {
      key: rotated.key,
      headers: { 'idempotency-key': refundKey },
      body: { amount: 1_000 },
    });
    expect(refund.status).toBe(201);
    const again = await rotateApiKey(api.db.pool, rotated.id);
    const refundRetry = await call(api, 'POST', `/v1/payments/${paymentId}/refunds`, {
      key: again.key,
      headers: { 'idempotency-key': refundKey },
      body: { amount: 1_000 },
    });
    expect(refundRetry.text).toBe(refund.text);

    const { rows } = await api.db.pool.query(
      `SELECT event_type, count(*)::int AS n FROM event_store.events WHERE stream_id = $1 GROUP BY event_type ORDER BY event_type`,
      [`payment-${paymentId}`],
    );
    expect(rows).toEqual([
      { event_type: 'PaymentCreated', n: 1 },
      { event_type: 'PaymentProcessing', n: 1 },
      { event_type: 'PaymentRefunded', n: 1 },
      { event_type: 'PaymentSucceeded', n: 1 },
    ]);
  });

  it('another key of the same name is another scope: the same Idempotency-Key there is a new request', async () => {
    const a = await createApiKey(api.db.pool, { name: 'twin', scopes: ['payments:write'] });
    const b = await createApiKey(api.db.pool, { name: 'twin', scopes: ['payments:write'] });
    const shared = randomUUID();
    const body = { provider: 'stripe', amount: 100, currency: 'EUR' };
    const one = await call(api, 'POST', '/v1/payments', { key: a.key, headers: { 'idempotency-key': shared }, body });
    const two = await call(api, 'POST', '/v1/payments', { key: b.key, headers: { 'idempotency-key': shared }, body });
    expect(one.body.paymentId).not.toBe(two.body.paymentId);
  });
});
