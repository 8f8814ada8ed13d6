import { Inject, Injectable, type CanActivate, type ExecutionContext, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Pool } from 'pg';
import { PG_POOL } from '@ledger/platform';
import { findApiKey, hasScope, isApiKeyActive, parseApiKey, verifyApiKey, type ApiKeyRecord, type Scope } from '@ledger/security';
import { ApiError } from '../http/api-error';
import { contextOf } from '../http/request-context';
import { ApiKeyChanges } from './api-key-changes';
import { grantKeySession, KeySessions, readKeyStatesFrom } from './key-sessions';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { FailedAuthLimiter } from './failed-auth-limiter';
import { PUBLIC_ROUTE, REQUIRED_SCOPE } from './require-scope.decorator';
import { TtlCache } from './ttl-cache';

/**
 * Lookups are cached, but a revocation reaches every instance at once: the
 * api_keys trigger NOTIFYs and each instance drops the entry (ApiKeyChanges).
 * The TTL is only the fallback for a notification lost in flight; while the
 * LISTEN connection is down the cache is bypassed altogether. Expiry is checked
 * on every request against the cached record, so it needs no notification.
 * A response that outlives its request (the dashboard stream) is watched by
 * `sessions` (key-sessions.ts): the same notifications, and a timer for expiry.
 */
const CACHE_TTL_MS = 1_000;

@Injectable()
export class ApiKeyGuard implements CanActivate, OnModuleInit, OnModuleDestroy {
  private readonly cache = new TtlCache<ApiKeyRecord | null>(10_000, CACHE_TTL_MS);
  private readonly changes: ApiKeyChanges;
  private readonly failedAuth: FailedAuthLimiter;
  private readonly sessions: KeySessions;

  constructor(
    private readonly reflector: Reflector,
    @Inject(PG_POOL) private readonly pool: Pool,
    limiter: RateLimiter,
  ) {
    this.failedAuth = new FailedAuthLimiter(limiter);
    this.sessions = new KeySessions(readKeyStatesFrom(pool));
    this.changes = new ApiKeyChanges(
      pool,
      (id) => {
        this.cache.delete(id);
        this.sessions.changed(id);
      },
      () => {
        this.cache.clear();
        this.sessions.resync();
      },
    );
  }

  onModuleInit(): Promise<void> {
    return this.changes.start();
  }

  onModuleDestroy(): Promise<void> {
    this.sessions.stop();
    return this.changes.stop();
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const required = this.reflector.getAllAndOverride<Scope>(REQUIRED_SCOPE, targets) ?? 'admin';
    const req = context.switchToHttp().getRequest();
    const presented = presentedKey(req.get('authorization'));
    const parsed = presented === undefined ? null : parseApiKey(presented);
    // Only a well-formed key is looked up; a failure then costs one Redis call (judged and counted), a success none.
    const key = presented === undefined || !parsed ? undefined : await this.authenticate(presented, parsed.id);
    if (!key) {
      const refusal = await this.failedAuth.failed(req, parsed?.id);
      if (refusal) throw refusal;
      throw new ApiError(401, 'unauthorized', 'A valid API key is required', undefined, {
        'WWW-Authenticate': 'Bearer',
      });
    }
    contextOf(req).apiKey = { id: key.id, lineageId: key.lineageId, name: key.name, scopes: key.scopes };
    if (!hasScope(key.scopes, required)) {
      throw new ApiError(403, 'forbidden', `This API key lacks the ${required} scope`);
    }
    grantKeySession(req, this.sessions, key, required);
    return true;
  }

  private async authenticate(presented: string, id: string): Promise<ApiKeyRecord | undefined> {
    let record = this.changes.listening ? this.cache.get(id) : undefined;
    if (record === undefined) {
      record = (await findApiKey(this.pool, id)) ?? null;
      if (this.changes.listening) this.cache.set(id, record);
    }
    if (!record || !isApiKeyActive(record) || !verifyApiKey(presented, record.secretHash)) return undefined;
    return record;
  }
}

function presentedKey(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
}
