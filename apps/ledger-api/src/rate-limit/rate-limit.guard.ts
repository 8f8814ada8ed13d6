import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { alertSettingsFromConfig, reportRateLimitViolations, type AlertSettings } from '@ledger/monitoring';
import { LEDGER_CONFIG, PG_POOL, type LedgerConfig } from '@ledger/platform';
import { customerIdSchema, paymentIdSchema } from '@ledger/security';
import { PUBLIC_ROUTE } from '../auth/require-scope.decorator';
import { ApiError } from '../http/api-error';
import { clientIp, contextOf } from '../http/request-context';
import { ApiMetrics } from '../metrics/metrics';
import { FAIL_CLOSED, RateLimiter, RateLimiterUnavailableError, type RateLimitClass } from './rate-limiter';

const RATE_LIMIT_CLASS = 'ledger:rate-limit-class';

/** The bucket class of a route; authenticated routes without one draw from `api`. */
export const RateLimit = (limitClass: RateLimitClass): MethodDecorator & ClassDecorator => SetMetadata(RATE_LIMIT_CLASS, limitClass);

/**
 * Whose bucket a request draws from (CONTRACT.md › Rate limits). Guards run before
 * validation, so a value from the request keys a bucket only once it passes the same
 * schema the handler applies; anything else draws from the API key's bucket (a value
 * this guard checked itself), never from a Redis key the client spelled.
 */
function rateLimitSubject(limitClass: RateLimitClass, req: Request): string {
  const byKey = `key:${contextOf(req).apiKey?.id ?? `ip:${clientIp(req)}`}`;
  switch (limitClass) {
    case 'payment': {
      const customerId = customerIdSchema.safeParse((req.body as { customerId?: unknown } | undefined)?.customerId);
      return customerId.success ? `customer:${customerId.data}` : byKey;
    }
    case 'refund': {
      const paymentId = paymentIdSchema.safeParse(req.params.id);
      return paymentId.success ? `payment:${paymentId.data}` : byKey;
    }
    case 'webhook':
    case 'auth_failure':
      return `ip:${clientIp(req)}`;
    case 'payment_key':
    case 'status':
    case 'api':
      return byKey;
  }
}

/** The buckets a route's class draws from, in order; the last one's state is what the headers show. */
const CHECKED_WITH: Readonly<Record<RateLimitClass, readonly RateLimitClass[]>> = {
  payment: ['payment_key', 'payment'],
  payment_key: ['payment_key'],
  refund: ['refund'],
  status: ['status'],
  api: ['api'],
  webhook: ['webhook'],
  auth_failure: ['auth_failure'],
};

/** Runs after ApiKeyGuard (registered after it), so the key is known. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly alertSettings: AlertSettings;

  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
    private readonly metrics: ApiMetrics,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
  ) {
    this.alertSettings = alertSettingsFromConfig(config);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const declared = this.reflector.getAllAndOverride<RateLimitClass>(RATE_LIMIT_CLASS, targets);
    if (!declared && this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    // The per-key ceiling first: a refused card-testing burst then spends no customer's tokens.
    // All of them in one Redis round trip (issue 33), drawn in order and stopping at the first refusal.
    const draws = CHECKED_WITH[declared ?? 'api'].map((limitClass) => ({ limitClass, subject: rateLimitSubject(limitClass, req) }));
    let decisions;
    try {
      decisions = await this.limiter.consumeAll(draws);
    } catch (error) {
      if (!(error instanceof RateLimiterUnavailableError)) throw error;
      if (!draws.some((d) => FAIL_CLOSED.has(d.limitClass))) return true;
      throw new ApiError(503, 'rate_limiter_unavailable', 'Rate limiting is unavailable; retry shortly', undefined, {
        'Retry-After': '5',
      });
    }
    const decision = decisions[decisions.length - 1];
    const { limitClass, subject } = draws[decisions.length - 1];
    res.setHeader('X-RateLimit-Limit', String(decision.limit));
    res.setHeader('X-RateLimit-Remaining', String(decision.remaining));
    res.setHeader('X-RateLimit-Reset', String(decision.resetAt));
    if (decision.allowed) return true;
    this.metrics.rateLimitHit(limitClass);
    await this.reportViolations(limitClass, subject);
    throw new ApiError(429, 'rate_limited', `Too many ${limitClass} requests; retry later`, undefined, {
      'Retry-After': String(Math.max(1, decision.retryAfter)),
    });
  }

  /**
   * Severe violations become a critical alert (through the outbox). Reported at each multiple of the
   * threshold only, so a flood of refused requests costs one database write per threshold, not per request.
   */
  private async reportViolations(limitClass: RateLimitClass, subject: string): Promise<void> {
    const threshold = this.alertSettings.rateLimitViolations;
    const violations = await this.limiter.violations(limitClass, subject).catch(() => 0);
    if (violations < threshold || violations % threshold !== 0) return;
    await reportRateLimitViolations(this.pool, { limitClass, subject, violations }, this.alertSettings).catch(() => undefined);
  }
}
