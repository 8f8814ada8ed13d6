import { Redis } from 'ioredis';
import type { RateLimitRule } from '@ledger/platform';
import { TOKEN_BUCKET_LUA } from './token-bucket.lua';
import { FAILED_AUTH_LUA, TOKEN_BUCKETS_LUA } from './one-trip.lua';

export const RATE_LIMIT_CLASSES = ['payment', 'payment_key', 'refund', 'status', 'api', 'webhook', 'auth_failure'] as const;
export type RateLimitClass = (typeof RATE_LIMIT_CLASSES)[number];

/**
 * What happens when Redis cannot answer. Creating payments and refunding move
 * money and are what card testing and refund abuse target, so they fail
 * closed (503); reads, other commands and webhooks fail open, so a Redis outage
 * does not take the ledger's reads or the providers' callbacks down with it.
 */
export const FAIL_CLOSED: ReadonlySet<RateLimitClass> = new Set(['payment', 'payment_key', 'refund']);

const VIOLATION_WINDOW_MS = 3_600_000;

/**
 * Defaults of the classes CONTRACT.md's RATE_LIMITS default does not name (README › Abuse):
 * `payment_key` caps payment creation per API key whatever the customerId (card testing
 * with a fresh customer per request); `auth_failure` counts 401s per client address.
 */
const ABUSE_RATE_LIMIT_DEFAULTS: Readonly<Record<string, RateLimitRule>> = {
  payment_key: { capacity: 120, windowMs: 60_000 },
  auth_failure: { capacity: 20, windowMs: 300_000 },
};

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Epoch seconds when the bucket is full again. */
  readonly resetAt: number;
  /** Seconds until the next request can pass; 0 when allowed. */
  readonly retryAfter: number;
}

export class RateLimiterUnavailableError extends Error {
  readonly code = 'rate_limiter_unavailable';
}

type BucketRedis = Redis & {
  tokenBucket(
    bucket: string,
    violations: string,
    capacity: number,
    windowMs: number,
    violationMs: number,
    ...now: number[]
  ): Promise<number[]>;
  tokenBuckets(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<number[]>;
  failedAuth(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<number[]>;
};

/** One bucket a request draws from, and what it got. */
export interface BucketDraw {
  readonly limitClass: RateLimitClass;
  readonly subject: string;
}

/** Token buckets shared by every API instance. Exported for the webhook endpoints and the alerts. */
export class RateLimiter {
  private readonly redis: BucketRedis;
  private readonly rules: Readonly<Record<string, RateLimitRule>>;

  /**
   * `clock` only for tests that move time themselves: without it the buckets run on Redis's clock (TIME),
   * one time line for every API instance.
   */
  constructor(
    redisUrl: string,
    rules: Readonly<Record<string, RateLimitRule>>,
    private readonly prefix = 'ledger:rl',
    private readonly clock?: () => number,
  ) {
    this.rules = { ...ABUSE_RATE_LIMIT_DEFAULTS, ...rules };
    this.redis = new Redis(redisUrl, {
      enableOfflineQueue: false,
      // Commands issued in the same tick by concurrent requests (auth-failure count, buckets) share one write.
      enableAutoPipelining: true,
      maxRetriesPerRequest: 1,
      commandTimeout: 1_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
      lazyConnect: true,
    }) as BucketRedis;
    this.redis.on('error', () => undefined);
    this.redis.defineCommand('tokenBucket', { numberOfKeys: 2, lua: TOKEN_BUCKET_LUA });
    this.redis.defineCommand('tokenBuckets', { lua: TOKEN_BUCKETS_LUA });
    this.redis.defineCommand('failedAuth', { lua: FAILED_AUTH_LUA });
  }

  /** Waits briefly for Redis; the API starts even when it is down (see FAIL_CLOSED). */
  async connect(timeoutMs = 2_000): Promise<void> {
    await Promise.race([this.redis.connect().catch(() => undefined), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  rule(limitClass: RateLimitClass): RateLimitRule {
    const rule = this.rules[limitClass];
    if (!rule) throw new Error(`no rate limit configured for ${limitClass}`);
    return rule;
  }

  async consume(limitClass: RateLimitClass, subject: string): Promise<RateLimitDecision> {
    const { capacity, windowMs } = this.rule(limitClass);
    let reply: number[];
    try {
      reply = await this.redis.tokenBucket(
        this.bucketKey(limitClass, subject),
        this.violationKey(limitClass, subject),
        capacity,
        windowMs,
        VIOLATION_WINDOW_MS,
        ...(this.clock ? [this.clock()] : []),
      );
    } catch (error) {
      throw new RateLimiterUnavailableError((error as Error).message);
    }
    const [allowed, remaining, msUntilFull, msUntilOne] = reply.map(Number);
    return {
      allowed: allowed === 1,
      limit: capacity,
      remaining,
      resetAt: Math.ceil(((this.clock ?? Date.now)() + msUntilFull) / 1000),
      retryAfter: Math.ceil(msUntilOne / 1000),
    };
  }

  /** Refusals of one subject in the current hour-long window: the signal the alerts issue watches. */
  async violations(limitClass: RateLimitClass, subject: string): Promise<number> {
    return Number((await this.redis.get(this.violationKey(limitClass, subject))) ?? 0);
  }

  /**
   * A request's buckets in order, in one round trip (one script): each drawn as consume() draws it, stopping at the
   * first refusal, so the buckets after a refused one spend nothing. Returns the decisions of the buckets drawn.
   */
  async consumeAll(draws: readonly BucketDraw[]): Promise<RateLimitDecision[]> {
    const rules = draws.map((d) => this.rule(d.limitClass));
    const keys = draws.flatMap((d) => [this.bucketKey(d.limitClass, d.subject), this.violationKey(d.limitClass, d.subject)]);
    let reply: number[];
    try {
      reply = await this.redis.tokenBuckets(
        keys.length,
        ...keys,
        VIOLATION_WINDOW_MS,
        this.clock ? this.clock() : '',
        ...rules.flatMap((r) => [r.capacity, r.windowMs]),
      );
    } catch (error) {
      throw new RateLimiterUnavailableError((error as Error).message);
    }
    const decisions: RateLimitDecision[] = [];
    for (let i = 0; i * 4 < reply.length; i++) {
      const [allowed, remaining, msUntilFull, msUntilOne] = reply.slice(i * 4, i * 4 + 4).map(Number);
      decisions.push({
        allowed: allowed === 1,
        limit: rules[i].capacity,
        remaining,
        resetAt: Math.ceil(((this.clock ?? Date.now)() + msUntilFull) / 1000),
        retryAfter: Math.ceil(msUntilOne / 1000),
      });
    }
    return decisions;
  }

  /**
   * A failed authentication of `subjects` (fixed-window counters of `limitClass`), judged and counted in one round
   * trip: refused when a subject's count before this failure is at capacity already (with the ms until its window
   * ends); counted unless refused and `countWhenRefused` is false.
   */
  async failure(
    limitClass: RateLimitClass,
    subjects: readonly string[],
    countWhenRefused: boolean,
  ): Promise<{ refused: boolean; retryMs: number }> {
    const { capacity, windowMs } = this.rule(limitClass);
    const keys = subjects.map((subject) => this.counterKey(limitClass, subject));
    try {
      const [refused, retryMs] = (await this.redis.failedAuth(keys.length, ...keys, capacity, windowMs, countWhenRefused ? '1' : '0')).map(
        Number,
      );
      return { refused: refused === 1, retryMs };
    } catch (error) {
      throw new RateLimiterUnavailableError((error as Error).message);
    }
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private bucketKey(limitClass: string, subject: string): string {
    return `${this.prefix}:bucket:${limitClass}:${subject}`;
  }

  private counterKey(limitClass: string, subject: string): string {
    return `${this.prefix}:count:${limitClass}:${subject}`;
  }

  private violationKey(limitClass: string, subject: string): string {
    return `${this.prefix}:violations:${limitClass}:${subject}`;
  }
}
