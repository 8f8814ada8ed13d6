import { testServices, uniquePrefix } from '@ledger/testing';
import { RateLimiter } from './rate-limiter';

describe('Token bucket in Redis', () => {
  /** The buckets' clock, moved by the tests alone (without one, they run on Redis's TIME). */
  let now = Date.UTC(2025, 10, 21, 10, 0, 0);
  let limiter: RateLimiter;
  beforeAll(async () => {
    limiter = new RateLimiter(testServices().redisUrl, { api: { capacity: 2, windowMs: 1000 } }, uniquePrefix('bucket'), () => now);
    await limiter.connect();
  });
  afterAll(() => limiter.close());

  it('refills continuously at capacity per window', async () => {
    const first = await limiter.consume('api', 'k');
    expect(first).toMatchObject({ allowed: true, limit: 2, remaining: 1, retryAfter: 0 });
    expect((await limiter.consume('api', 'k')).allowed).toBe(true);
    const refused = await limiter.consume('api', 'k');
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfter: 1, resetAt: Math.ceil((now + 1000) / 1000) });
    now += 400; // 0.8 of a token back: still refused
    expect((await limiter.consume('api', 'k')).allowed).toBe(false);
    now += 200; // 1.2: one passes, the next does not
    expect((await limiter.consume('api', 'k')).allowed).toBe(true);
    expect((await limiter.consume('api', 'k')).allowed).toBe(false);
    expect(await limiter.violations('api', 'k')).toBe(3);
  });

  it('never lets more than capacity through under concurrency', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => limiter.consume('api', 'burst')));
    expect(results.filter((r) => r.allowed)).toHaveLength(2);
  });
});
