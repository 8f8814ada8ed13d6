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
 * Redis down: fail open, the key lookup still decides. A valid key costs no Redis call here: the counters are
 * read and counted only once authentication failed, in one script (issue 33).
 */
export class FailedAuthLimiter {
  constructor(private readonly limiter: RateLimiter) {}

  /**
   * A failed authentication, judged and counted in one Redis round trip (a valid key costs none): the refusal to
   * throw instead of 401 when one of its subjects was over the limit already, else undefined. A request without a
   * well-formed key (`keyId` undefined) that is refused is not counted again; a wrong well-formed key always is.
   */
  async failed(req: Request, keyId: string | undefined): Promise<ApiError | undefined> {
    let verdict: { refused: boolean; retryMs: number };
    try {
      verdict = await this.limiter.failure('auth_failure', subjectsOf(req, keyId), keyId !== undefined);
    } catch (error) {
      if (error instanceof RateLimiterUnavailableError) return undefined;
      throw error;
    }
    if (!verdict.refused) return undefined;
    return new ApiError(429, 'rate_limited', 'Too many failed authentications; retry later', undefined, {
      'Retry-After': String(Math.max(1, Math.ceil(verdict.retryMs / 1000))),
    });
  }
}

const subjectsOf = (req: Request, keyId: string | undefined): string[] => [
  ...(keyId === undefined ? [] : [`key:${keyId}`]),
  `ip:${clientIp(req)}`,
];
