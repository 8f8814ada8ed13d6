import type { Request } from 'express';
import { ApiError } from '../http/api-error';
import { clientIp } from '../http/request-context';
import { RateLimiterUnavailableError, type RateLimiter } from '../rate-limit/rate-limiter';

/**
 * Failed authentications (`auth_failure` in RATE_LIMITS), counted per subject
 * an attacker cannot share with a legitimate client: the presented key's id
 * (its public prefix) and the client address as Express derived it (the
 * forwarded one only behind TRUST_PROXY; never a header as sent). A subject
 * over the limit never locks out a valid key: a request without a well-formed
 * key is refused with 429 before any lookup (nothing to look up), one with a
 * well-formed key is looked up (cached) and gets 429 instead of 401 only when
 * the key is not valid. So clients behind one proxy cannot be shut out by one
 * of them, and a valid key is never refused for someone else's failures.
 * Redis down: fail open, the key lookup still decides.
 */
export class FailedAuthLimiter {
  constructor(private readonly limiter: RateLimiter) {}

  /** A refusal to throw should this request fail authentication, or undefined while its subjects are under the limit. */
  async refusal(req: Request, keyId: string | undefined): Promise<ApiError | undefined> {
    const capacity = this.limiter.rule('auth_failure').capacity;
    for (const subject of subjectsOf(req, keyId)) {
      let failures: number;
      try {
        failures = await this.limiter.count('auth_failure', subject);
      } catch (error) {
        if (error instanceof RateLimiterUnavailableError) return undefined;
        throw error;
      }
      if (failures < capacity) continue;
      const retryMs = await this.limiter.counterResetMs('auth_failure', subject).catch(() => 1000);
      return new ApiError(429, 'rate_limited', 'Too many failed authentications; retry later', undefined, {
        'Retry-After': String(Math.max(1, Math.ceil(retryMs / 1000))),
      });
    }
    return undefined;
  }

  async record(req: Request, keyId: string | undefined): Promise<void> {
    await Promise.all(subjectsOf(req, keyId).map((subject) => this.limiter.increment('auth_failure', subject).catch(() => undefined)));
  }
}

const subjectsOf = (req: Request, keyId: string | undefined): string[] => [
  ...(keyId === undefined ? [] : [`key:${keyId}`]),
  `ip:${clientIp(req)}`,
];
