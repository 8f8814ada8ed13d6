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
    const forged = ['x'.repeat(5000), '../../*'];
    for (const customerId of forged) expect((await create(api.keys.admin, newPaymentBody({ customerId }))).status).toBe(400);
    // An e-mail is personal data, not invalid (issue 29, case 1): its bucket is named by its token, never by the e-mail.
    const byEmail = await create(api.keys.admin, newPaymentBody({ customerId: 'who@example.com' }));
    expect(byEmail.status).toBe(201);
    expect(await redis.keys(`${api.rateLimitPrefix}:bucket:payment:customer:${byEmail.body.customerId as string}`)).toHaveLength(1);
    forged.push('who@example.com');
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
  const forged = (id: string) => `lk_${id}_${'B'.repeat(43)}`;
  const read = (key?: string, headers?: Record<string, string>) => call(api, 'GET', '/v1/payments/x', { key, headers });
  afterEach(async () => {
    const counters = await redis.keys(`${api.rateLimitPrefix}:count:auth_failure:*`);
    if (counters.length > 0) await redis.del(...counters);
  });

  it('never refuses a valid key for failures of other clients on its address: twenty bad keys, then a valid one', async () => {
    const statuses = [];
    for (let i = 0; i < 20; i++) statuses.push((await read(forged(`A${String(i).padStart(11, 'A')}`))).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(new Set(statuses.slice(3))).toEqual(new Set([429]));
    const limited = await read(forged('AAAAAAAAAAAA'));
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Same address, a valid key: through (404: no such payment), every time.
    for (let i = 0; i < 3; i++) expect((await read(api.keys['payments:read'])).status).toBe(404);
    // No key at all from that address: refused before any lookup.
    expect((await read()).status).toBe(429);
    // Health and other public routes stay reachable.
    expect((await call(api, 'GET', '/health/live')).status).toBe(200);
  });

  it("counts wrong secrets against the key's id: its holder still gets in, the guesser gets 429", async () => {
    const id = api.keyIds['payments:read'];
    for (let i = 0; i < 3; i++) expect((await read(forged(id))).status).toBe(401);
    expect((await read(forged(id))).status).toBe(429);
    expect((await read(api.keys['payments:read'])).status).toBe(404);
    expect(await redis.get(`${api.rateLimitPrefix}:count:auth_failure:key:${id}`)).toBe('4');
  });
});

describe('Failed authentication behind a proxy (TRUST_PROXY)', () => {
  let proxied: ApiHarness;
  beforeAll(async () => {
    proxied = await startApiHarness({ env: { RATE_LIMITS: LIMITS, TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => proxied.close());
  const from = (address: string, key?: string) => call(proxied, 'GET', '/v1/payments/x', { key, headers: { 'x-forwarded-for': address } });

  it('counts per forwarded address: one client failing does not limit another behind the same proxy', async () => {
    for (let i = 0; i < 3; i++) expect((await from('203.0.113.7')).status).toBe(401);
    expect((await from('203.0.113.7')).status).toBe(429);
    expect((await from('198.51.100.23')).status).toBe(401);
    expect((await from('203.0.113.7', proxied.keys['payments:read'])).status).toBe(404);
    expect(await redis.get(`${proxied.rateLimitPrefix}:count:auth_failure:ip:203.0.113.7`)).toBe('3');
  });
});
