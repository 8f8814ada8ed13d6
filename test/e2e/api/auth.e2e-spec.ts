import { createApiKey, revokeApiKey, type Scope, SCOPES } from '@ledger/security';
import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';
import { createPayment } from './fixtures';

let api: ApiHarness;
let paymentId: string;
beforeAll(async () => {
  api = await startApiHarness();
  paymentId = await createPayment(api);
});
afterAll(() => api.close());

const endpoints = (): [string, string, Scope][] => [
  ['POST', '/v1/payments', 'payments:write'],
  ['POST', `/v1/payments/${paymentId}/processing`, 'payments:write'],
  ['POST', `/v1/payments/${paymentId}/success`, 'payments:write'],
  ['POST', `/v1/payments/${paymentId}/failure`, 'payments:write'],
  ['POST', `/v1/payments/${paymentId}/refunds`, 'payments:write'],
  ['POST', `/v1/payments/${paymentId}/fraud-flags`, 'payments:write'],
  ['POST', `/v1/payments/${paymentId}/disputes`, 'payments:write'],
  ['GET', `/v1/payments/${paymentId}`, 'payments:read'],
  ['GET', `/v1/payments/${paymentId}/events`, 'payments:read'],
];

describe('Auth', () => {
  it('refuses every endpoint without a key, with a malformed key and with an unknown key (401)', async () => {
    const unknown = `lk_${'A'.repeat(12)}_${'B'.repeat(43)}`;
    for (const [method, path] of endpoints()) {
      for (const headers of [
        {} as Record<string, string>,
        { authorization: 'Bearer nonsense' },
        { authorization: `Bearer ${unknown}` },
        { authorization: `Basic ${api.keys.admin}` },
      ]) {
        const res = await call(api, method, path, { headers, body: method === 'POST' ? {} : undefined });
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      }
    }
  });

  it('refuses every endpoint with a key of the wrong scope (403) and lets admin through', async () => {
    for (const [method, path, scope] of endpoints()) {
      for (const other of SCOPES.filter((s) => s !== scope && s !== 'admin')) {
        const res = await call(api, method, path, { key: api.keys[other], body: method === 'POST' ? {} : undefined });
        expect({ path, other, status: res.status, code: res.body.error.code }).toEqual({ path, other, status: 403, code: 'forbidden' });
      }
      const admin = await call(api, method, path, { key: api.keys.admin, body: method === 'POST' ? {} : undefined });
      expect([401, 403]).not.toContain(admin.status);
    }
  });

  it('refuses a tampered secret of a real key id', async () => {
    const key = api.keys['payments:read'];
    const tampered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect((await call(api, 'GET', `/v1/payments/${paymentId}`, { key: tampered })).status).toBe(401);
  });

  it('refuses a revoked key once the cache has not seen it', async () => {
    const { id, key } = await createApiKey(api.db.pool, { name: 'revoked', scopes: ['payments:read'] });
    await revokeApiKey(api.db.pool, id);
    expect((await call(api, 'GET', `/v1/payments/${paymentId}`, { key })).status).toBe(401);
  });

  it('keeps liveness and metrics open', async () => {
    expect((await call(api, 'GET', '/health/live')).status).toBe(200);
    expect((await call(api, 'GET', '/metrics')).status).toBe(200);
  });
});
