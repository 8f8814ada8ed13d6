import { RateLimiter } from '../../../apps/ledger-api/src/rate-limit/rate-limiter';
import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';
import { testServices } from '@ledger/testing';
import { newPaymentBody, read, succeededPayment, write } from './fixtures';

const LIMITS = 'payment=3/1h,refund=2/1h,status=4/1h,api=5/1h,webhook=100/1m';
let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness({ env: { RATE_LIMITS: LIMITS } });
});
afterAll(() => api.close());

const create = (body: Record<string, unknown>) =>
  call(api, 'POST', '/v1/payments', { key: write(api), headers: { 'idempotency-key': `${Math.random()}` }, body });

describe('Rate limits', () => {
  it('draws creates from the customer bucket, with headers, then 429 with Retry-After', async () => {
    const before = Math.floor(Date.now() / 1000);
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await create(newPaymentBody({ customerId: 'card-tester' })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 429]);
    expect(results.map((r) => r.headers.get('x-ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    for (const r of results) expect(r.headers.get('x-ratelimit-limit')).toBe('3');
    const reset = Number(results[3].headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThan(before + 3500);
    expect(reset).toBeLessThanOrEqual(before + 3602);
    expect(results[3].body.error.code).toBe('rate_limited');
    expect(Number(results[3].headers.get('retry-after'))).toBeGreaterThan(1000);
    // Another customer has a bucket of its own.
    expect((await create(newPaymentBody({ customerId: 'someone-else' }))).status).toBe(201);
  });

  it('counts violations per bucket for the alerts', async () => {
    const limiter = new RateLimiter(testServices().redisUrl, { payment: { capacity: 3, windowMs: 3_600_000 } }, api.rateLimitPrefix);
    await limiter.connect();
    expect(await limiter.violations('payment', 'customer:card-tester')).toBe(1);
    await limiter.close();
  });

  it('limits refunds per payment and status reads per API key', async () => {
    const id = await succeededPayment(api, { customerId: 'refunds', amount: 100 });
    const refunds = [];
    for (let i = 0; i < 3; i++)
      refunds.push((await call(api, 'POST', `/v1/payments/${id}/refunds`, { key: write(api), body: { amount: 1 } })).status);
    expect(refunds).toEqual([201, 201, 429]);
    const reads = [];
    for (let i = 0; i < 5; i++) reads.push((await call(api, 'GET', `/v1/payments/${id}`, { key: read(api) })).status);
    expect(reads).toEqual([200, 200, 200, 200, 429]);
  });

  it('shares buckets between instances through Redis', async () => {
    const other = await startApiHarness({ env: { RATE_LIMITS: LIMITS }, rateLimitPrefix: api.rateLimitPrefix });
    try {
      for (let i = 0; i < 3; i++) expect((await create(newPaymentBody({ customerId: 'shared' }))).status).toBe(201);
      const elsewhere = await call(other, 'POST', '/v1/payments', {
        key: other.keys['payments:write'],
        headers: { 'idempotency-key': 'k' },
        body: newPaymentBody({ customerId: 'shared' }),
      });
      expect(elsewhere.status).toBe(429);
    } finally {
      await other.close();
    }
  });
});

describe('Rate limits when Redis is down', () => {
  let down: ApiHarness;
  beforeAll(async () => {
    down = await startApiHarness({ env: { RATE_LIMITS: LIMITS }, redisUrl: 'redis://127.0.0.1:1' });
  });
  afterAll(() => down.close());

  it('fails closed for creates and refunds, open for reads and other commands', async () => {
    const created = await call(down, 'POST', '/v1/payments', {
      key: down.keys['payments:write'],
      headers: { 'idempotency-key': 'k' },
      body: newPaymentBody(),
    });
    expect(created).toMatchObject({ status: 503, body: { error: { code: 'rate_limiter_unavailable' } } });
    expect((await call(down, 'POST', '/v1/payments/x/refunds', { key: down.keys['payments:write'], body: { amount: 1 } })).status).toBe(
      503,
    );
    expect((await call(down, 'GET', '/v1/payments/x', { key: down.keys['payments:read'] })).status).toBe(404);
    expect((await call(down, 'POST', '/v1/payments/x/processing', { key: down.keys['payments:write'] })).status).toBe(404);
    const ready = await call(down, 'GET', '/health/ready');
    expect(ready).toMatchObject({ status: 503, body: { checks: { postgres: 'up', redis: 'down', eventStore: 'up' } } });
  });
});
