import type { Request } from 'express';
import { ApiError } from '../http/api-error';
import { clientIp } from '../http/request-context';
import { RateLimiterUnavailableError, type RateLimiter } from '../rate-limit/rate-limiter';

/**
 * Failed authentications per client address (`auth_failure` in RATE_LIMITS):
 * once an address has had that many 401s in the window, its requests are
 * refused with 429 before the API key is looked up, so guessing keys or
 * replaying a revoked one costs Redis one GET and PostgreSQL nothing. The
 * subject is the address Express derived (trust proxy), never a header as sent.
 * Redis down: fail open, the key lookup still decides.
 */
export class FailedAuthLimiter {
  constructor(private readonly limiter: RateLimiter) {}

  async check(req: Request): Promise<void> {
    const subject = `ip:${clientIp(req)}`;
    let failures: number;
    try {
      failures = await this.limiter.count('auth_failure', subject);
    } catch (error) {
      if (error instanceof RateLimiterUnavailableError) return;
      throw error;
    }
    if (failures < this.limiter.rule('auth_failure').capacity) return;
    const retryMs = await this.limiter.counterResetMs('auth_failure', subject);
    throw new ApiError(429, 'rate_limited', 'Too many failed authentications from this address; retry later', undefined, {
      'Retry-After': String(Math.max(1, Math.ceil(retryMs / 1000))),
    });
  }

  async record(req: Request): Promise<void> {
    await this.limiter.increment('auth_failure', `ip:${clientIp(req)}`).catch(() => undefined);
  }
}
