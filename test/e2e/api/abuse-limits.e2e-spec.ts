import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createApiKey } from '@ledger/security';
import { testServices } from '@ledger/testing';
import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';
import { newPaymentBody, write } from './fixtures';

const LIMITS = 'payment=100/1h,payment_key=3/1h,refund=100/1h,api=1000/1h,auth_failure=3/1h';
let api: ApiHarness;
let redis: Redis;
beforeAll(async () => {
  api = await startApiHarness({ env: { RATE_LIMITS: LIMITS } });
  redis = new Redis(testServices().redisUrl);
});
afterAll(async () => {
  redis.disconnect();
  await api.close();
});

const create = (key: string, body: Record<string, unknown>) =>
  call(api, 'POST', '/v1/payments', { key, headers: { 'idempotency-key': randomUUID() }, body });

describe('Rate-limit buckets', () => {
  it('are keyed from validated values only: an invalid customerId or payment id never names a Redis key', async () => {
    // Three, as payment_key allows three per key.
    const forged = ['x'.repeat(5000), 'who@example.com', '../../*'];
    for (const customerId of forged) expect((await create(api.keys.admin, newPaymentBody({ customerId }))).status).toBe(400);
    expect((await call(api, 'POST', `/v1/payments/${'p'.repeat(300)}/refunds`, { key: api.keys.admin, body: { amount: 1 } })).status).toBe(
      400,
    );
    const keys = await redis.keys(`${api.rateLimitPrefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key.length).toBeLessThan(200);
      for (const value of forged) expect(key).not.toContain(value);
    }
    expect(keys).toContain(`${api.rateLimitPrefix}:bucket:payment:key:${api.keyIds.admin}`);
  });

  it('cap payment creation per API key whatever the customerId (card testing with fresh customers)', async () => {
    const key = write(api);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await create(key, newPaymentBody())).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const refused = await create(key, newPaymentBody());
    expect(refused.body.error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('payment_key') });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another key has its own ceiling.
    const other = await createApiKey(api.db.pool, { name: 'other checkout', scopes: ['payments:write'] });
    expect((await create(other.key, newPaymentBody())).status).toBe(201);
  });
});

describe('Failed authentication', () => {
  it('limits repeated 401s per address, before the key is looked up: then even a valid key is refused', async () => {
    const forged = `lk_${'A'.repeat(12)}_${'B'.repeat(43)}`;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(api, 'GET', '/v1/payments/x', { key: forged })).status);
    expect(statuses).toEqual([401, 401, 401]);
    const limited = await call(api, 'GET', '/v1/payments/x', { key: forged });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(api, 'GET', '/v1/payments/x', { key: api.keys['payments:read'] })).status).toBe(429);
    // Health and other public routes stay reachable.
    expect((await call(api, 'GET', '/health/live')).status).toBe(200);
    await redis.del(`${api.rateLimitPrefix}:count:auth_failure:ip:127.0.0.1`);
    expect((await call(api, 'GET', '/v1/payments/x', { key: api.keys['payments:read'] })).status).toBe(404);
  });
});
