import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Pool } from 'pg';
import { PG_POOL } from '@ledger/platform';
import { hasScope, parseApiKey, verifyApiKey, type Scope } from '@ledger/security';
import { ApiError } from '../http/api-error';
import { contextOf, type ApiKeyPrincipal } from '../http/request-context';
import { findApiKey, type ApiKeyRecord } from '@ledger/security';
import { PUBLIC_ROUTE, REQUIRED_SCOPE } from './require-scope.decorator';
import { TtlCache } from './ttl-cache';

/**
 * Lookups are cached for 30 s (hits and misses), so a revoked key may keep
 * working for up to that long on each instance; the price of not hitting
 * PostgreSQL on every request.
 */
const CACHE_TTL_MS = 30_000;

@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly cache = new TtlCache<ApiKeyRecord | null>(10_000, CACHE_TTL_MS);

  constructor(
    private readonly reflector: Reflector,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const required = this.reflector.getAllAndOverride<Scope>(REQUIRED_SCOPE, targets) ?? 'admin';
    const req = context.switchToHttp().getRequest();
    const principal = await this.authenticate(req.get('authorization'));
    if (!principal)
      throw new ApiError(401, 'unauthorized', 'A valid API key is required', undefined, {
        'WWW-Authenticate': 'Bearer',
      });
    contextOf(req).apiKey = principal;
    if (!hasScope(principal.scopes, required)) {
      throw new ApiError(403, 'forbidden', `This API key lacks the ${required} scope`);
    }
    return true;
  }

  private async authenticate(header: string | undefined): Promise<ApiKeyPrincipal | undefined> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    const parsed = match ? parseApiKey(match[1]) : null;
    if (!match || !parsed) return undefined;
    let record = this.cache.get(parsed.id);
    if (record === undefined) {
      record = (await findApiKey(this.pool, parsed.id)) ?? null;
      this.cache.set(parsed.id, record);
    }
    if (!record || record.revokedAt || !verifyApiKey(match[1], record.secretHash)) return undefined;
    return { id: record.id, name: record.name, scopes: record.scopes };
  }
}
