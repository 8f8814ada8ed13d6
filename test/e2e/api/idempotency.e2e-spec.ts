import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';
import { requestHash } from '../../../apps/ledger-api/src/idempotency/hashing';
import { newPaymentBody, storedEvents, succeededPayment, write } from './fixtures';

const createHash = (body: unknown) => requestHash({ endpoint: 'POST /v1/payments', params: {}, body });

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api.close());

const post = (path: string, key: string, body: unknown, apiKey = write(api)) =>
  call(api, 'POST', path, { key: apiKey, headers: { 'idempotency-key': key }, body });

describe('Idempotency-Key', () => {
  it('replays the first response for the same body and appends nothing', async () => {
    const body = newPaymentBody({ metadata: { b: '2', a: '1' } });
    const first = await post('/v1/payments', 'replay-1', body);
    const again = await post('/v1/payments', 'replay-1', { ...body, metadata: { a: '1', b: '2' } });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await storedEvents(api, first.body.paymentId)).toHaveLength(1);
  });

  it('refuses the same key with a different body (422)', async () => {
    await post('/v1/payments', 'reuse-1', newPaymentBody({ amount: 100 }));
    const res = await post('/v1/payments', 'reuse-1', newPaymentBody({ amount: 200 }));
    expect(res).toMatchObject({ status: 422, body: { error: { code: 'idempotency_key_reused' } } });
  });

  it('scopes keys by API key', async () => {
    const body = newPaymentBody();
    const a = await post('/v1/payments', 'scoped', body);
    const b = await post('/v1/payments', 'scoped', newPaymentBody(), api.keys.admin);
    expect(b.status).toBe(201);
    expect(b.body.paymentId).not.toBe(a.body.paymentId);
  });

  it('answers 409 idempotency_key_in_use while the first request is in flight', async () => {
    const body = newPaymentBody();
    await api.db.pool.query(
      `INSERT INTO ledger.idempotency_keys (api_key_id, key, request_hash, status, expires_at)
       VALUES ($1, 'busy', $2, 'in_flight', now() + interval '1 hour')`,
      [api.keyIds['payments:write'], createHash(body)],
    );
    expect(await post('/v1/payments', 'busy', body)).toMatchObject({ status: 409, body: { error: { code: 'idempotency_key_in_use' } } });
  });

  it('takes over an in-flight record abandoned by a request that died', async () => {
    const body = newPaymentBody({ paymentId: 'abandoned-1' });
    await api.db.pool.query(
      `INSERT INTO ledger.idempotency_keys (api_key_id, key, request_hash, status, created_at, expires_at)
       VALUES ($1, 'dead', $2, 'in_flight', now() - interval '2 minutes', now() + interval '1 hour')`,
      [api.keyIds['payments:write'], createHash(body)],
    );
    expect((await post('/v1/payments', 'dead', body)).status).toBe(201);
    expect((await post('/v1/payments', 'dead', body)).headers.get('idempotent-replayed')).toBe('true');
  });

  it('ignores an expired record and runs the command again', async () => {
    const body = newPaymentBody({ paymentId: 'expired-1' });
    await api.db.pool.query(
      `INSERT INTO ledger.idempotency_keys (api_key_id, key, request_hash, status, response_status, response_body, expires_at)
       VALUES ($1, 'old', $2, 'done', 201, '{"stale":true}', now() - interval '1 second')`,
      [api.keyIds['payments:write'], createHash(body)],
    );
    const res = await post('/v1/payments', 'old', body);
    expect(res.status).toBe(201);
    expect(res.body.paymentId).toBe('expired-1');
  });

  it('replays a state-machine refusal but forgets an invalid request', async () => {
    const id = await succeededPayment(api, { amount: 100 });
    const refused = await post(`/v1/payments/${id}/refunds`, 'big', { amount: 500 });
    expect(refused.status).toBe(409);
    expect((await post(`/v1/payments/${id}/refunds`, 'big', { amount: 500 })).headers.get('idempotent-replayed')).toBe('true');
    expect((await post(`/v1/payments/${id}/refunds`, 'fix-me', { amount: -1 })).status).toBe(400);
    expect((await post(`/v1/payments/${id}/refunds`, 'fix-me', { amount: 10 })).status).toBe(201);
  });

  it('treats a retry after a crash between append and response as already applied', async () => {
    const id = await succeededPayment(api, { amount: 1000 });
    const first = await post(`/v1/payments/${id}/refunds`, 'crash-1', { amount: 100 });
    expect(first.status).toBe(201);
    // The crash: the response was never recorded, and the stream moved on since.
    await api.db.pool.query(`DELETE FROM ledger.idempotency_keys WHERE key = 'crash-1'`);
    await post(`/v1/payments/${id}/fraud-flags`, 'later', { reason: 'r' });
    const retry = await post(`/v1/payments/${id}/refunds`, 'crash-1', { amount: 100 });
    expect(retry.status).toBe(201);
    expect(retry.body.refundedAmount).toBe(100);
    const refunds = (await storedEvents(api, id)).filter((e) => e.type === 'PaymentRefunded');
    expect(refunds).toHaveLength(1);
  });

  it('derives the payment id from the key, so a lost create response cannot create twice', async () => {
    const body = newPaymentBody();
    const first = await post('/v1/payments', 'lost-create', body);
    await api.db.pool.query(`DELETE FROM ledger.idempotency_keys WHERE key = 'lost-create'`);
    const retry = await post('/v1/payments', 'lost-create', body);
    expect(retry.status).toBe(201);
    expect(retry.body.paymentId).toBe(first.body.paymentId);
    expect(await storedEvents(api, first.body.paymentId)).toHaveLength(1);
  });
});
