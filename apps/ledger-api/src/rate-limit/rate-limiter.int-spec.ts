import { Redis } from 'ioredis';
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

describe('One Redis round trip per request (issue 33)', () => {
  let now = Date.UTC(2025, 10, 21, 10, 0, 0);
  let limiter: RateLimiter;
  let calls: string[];
  const prefix = uniquePrefix('one-trip');
  const raw = new Redis(testServices().redisUrl);
  beforeAll(async () => {
    limiter = new RateLimiter(
      testServices().redisUrl,
      {
        payment_key: { capacity: 2, windowMs: 1000 },
        payment: { capacity: 3, windowMs: 1000 },
        auth_failure: { capacity: 2, windowMs: 60_000 },
      },
      prefix,
      () => now,
    );
    await limiter.connect();
    // Every command the limiter sends, to count round trips.
    const redis = (limiter as unknown as { redis: { sendCommand: (c: { name: string }) => unknown } }).redis;
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = (command) => {
      calls.push(command.name);
      return send(command);
    };
  });
  beforeEach(() => {
    calls = [];
  });
  afterAll(async () => {
    await limiter.close();
    raw.disconnect();
  });

  it("draws a request's buckets in order in one call, as consume() would, stopping at the first refusal", async () => {
    const draws = [
      { limitClass: 'payment_key', subject: 'key:k' },
      { limitClass: 'payment', subject: 'customer:c' },
    ] as const;
    const first = await limiter.consumeAll(draws);
    expect(calls).toHaveLength(1);
    expect(first).toEqual([
      { allowed: true, limit: 2, remaining: 1, retryAfter: 0, resetAt: Math.ceil((now + 500) / 1000) },
      { allowed: true, limit: 3, remaining: 2, retryAfter: 0, resetAt: Math.ceil((now + 334) / 1000) },
    ]);
    await limiter.consumeAll(draws);
    // The per-key ceiling refuses: the customer's bucket is not drawn (one decision back, its tokens kept).
    const refused = await limiter.consumeAll(draws);
    expect(refused).toEqual([{ allowed: false, limit: 2, remaining: 0, retryAfter: 1, resetAt: Math.ceil((now + 1000) / 1000) }]);
    expect(await limiter.violations('payment_key', 'key:k')).toBe(1);
    expect(await limiter.violations('payment', 'customer:c')).toBe(0);
    now += 1000;
    const [, customer] = await limiter.consumeAll(draws);
    expect(customer).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('judges and counts a failed authentication in one call: refused on the counts before it, counted unless told not to', async () => {
    const subjects = ['key:abc', 'ip:10.0.0.1'];
    await expect(limiter.failure('auth_failure', subjects, true)).resolves.toEqual({ refused: false, retryMs: 0 });
    await expect(limiter.failure('auth_failure', subjects, true)).resolves.toEqual({ refused: false, retryMs: 0 });
    expect(calls).toHaveLength(2);
    const third = await limiter.failure('auth_failure', subjects, true);
    expect(third.refused).toBe(true);
    expect(third.retryMs).toBeGreaterThan(59_000);
    expect(third.retryMs).toBeLessThanOrEqual(60_000);
    // Without a key, a refused request is not counted again: the address stays at 3.
    await expect(limiter.failure('auth_failure', ['ip:10.0.0.1'], false)).resolves.toMatchObject({ refused: true });
    const counters = await Promise.all(subjects.map((s) => raw.get(`${prefix}:count:auth_failure:${s}`)));
    expect(counters).toEqual(['3', '3']);
    // Another address is not limited by this one.
    await expect(limiter.failure('auth_failure', ['ip:10.0.0.2'], false)).resolves.toEqual({ refused: false, retryMs: 0 });
  });
});
