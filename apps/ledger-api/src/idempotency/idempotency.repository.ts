import type { Pool } from 'pg';
import { createPool } from '@ledger/platform';

/** An Idempotency-Key belongs to one API key, whatever endpoint it is sent to (as at Stripe). */
export interface IdempotencyScope {
  readonly apiKeyId: string;
  readonly key: string;
}

/** The response as first sent: its status and its exact bytes. */
export interface StoredResponse {
  readonly status: number;
  readonly body: string;
}

export type IdempotencyBegin =
  | { readonly kind: 'started' }
  | ({ readonly kind: 'replay' } & StoredResponse)
  | { readonly kind: 'reused' }
  | { readonly kind: 'in_flight' };

/**
 * An in-flight record older than this belongs to a request that died (crash,
 * lost connection); a retry may take it over. Safe because the retried
 * command appends the same deterministic event ids.
 */
const ABANDONED_AFTER = '60 seconds';

/**
 * Its own pool, committing without waiting for the WAL flush. A record lost to
 * a PostgreSQL crash only means a retry runs the command again, and that run is
 * a no-op: its events carry the same deterministic ids (see libs/payments-app).
 * The events themselves are appended through the durable pool.
 */
export function createIdempotencyPool(databaseUrl: string): Pool {
  return createPool(databaseUrl, { max: 10, options: '-c synchronous_commit=off' });
}

const PK = 'api_key_id = $1 AND key = $2';

interface RecordRow {
  request_hash: string;
  status: 'in_flight' | 'done';
  response_status: number | null;
  response_body: string | null;
  expired: boolean;
  abandoned: boolean;
}

export class IdempotencyRepository {
  constructor(
    /** Commits without waiting for the WAL flush (createIdempotencyPool); the command journal claims through it. */
    readonly pool: Pool,
    readonly ttlMs: number,
  ) {}

  async begin(scope: IdempotencyScope, hash: string): Promise<IdempotencyBegin> {
    const params = [scope.apiKeyId, scope.key];
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.pool.query(
        `INSERT INTO ledger.idempotency_keys (api_key_id, key, request_hash, status, expires_at)
         VALUES ($1, $2, $3, 'in_flight', now() + $4 * interval '1 millisecond')
         ON CONFLICT DO NOTHING`,
        [...params, hash, this.ttlMs],
      );
      if (inserted.rowCount === 1) return { kind: 'started' };
      const row = await this.read(params);
      if (!row) continue;
      if (row.expired) {
        await this.pool.query(`DELETE FROM ledger.idempotency_keys WHERE ${PK} AND expires_at <= now()`, params);
        continue;
      }
      if (row.request_hash !== hash) return { kind: 'reused' };
      if (row.status === 'done') return { kind: 'replay', status: row.response_status ?? 200, body: row.response_body ?? '' };
      if (row.abandoned && (await this.takeOver(params))) return { kind: 'started' };
      return { kind: 'in_flight' };
    }
    return { kind: 'in_flight' };
  }

  /** What `begin` would answer for an existing record, without claiming: undefined when there is none to honour. */
  async peek(scope: IdempotencyScope, hash: string): Promise<Exclude<IdempotencyBegin, { kind: 'started' }> | undefined> {
    const row = await this.read([scope.apiKeyId, scope.key]);
    if (!row || row.expired) return undefined;
    if (row.request_hash !== hash) return { kind: 'reused' };
    if (row.status === 'done') return { kind: 'replay', status: row.response_status ?? 200, body: row.response_body ?? '' };
    return row.abandoned ? undefined : { kind: 'in_flight' };
  }

  async complete(scope: IdempotencyScope, response: StoredResponse): Promise<void> {
    await this.pool.query(`UPDATE ledger.idempotency_keys SET status = 'done', response_status = $3, response_body = $4 WHERE ${PK}`, [
      scope.apiKeyId,
      scope.key,
      response.status,
      response.body,
    ]);
  }

  /** Forgets a key whose request produced nothing worth replaying (invalid input, an outage). */
  async release(scope: IdempotencyScope): Promise<void> {
    await this.pool.query(`DELETE FROM ledger.idempotency_keys WHERE ${PK} AND status = 'in_flight'`, [scope.apiKeyId, scope.key]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async read(params: string[]): Promise<RecordRow | undefined> {
    const { rows } = await this.pool.query<RecordRow>(
      `SELECT request_hash, status, response_status, response_body, expires_at <= now() AS expired,
              (status = 'in_flight' AND created_at < now() - interval '${ABANDONED_AFTER}') AS abandoned
         FROM ledger.idempotency_keys WHERE ${PK}`,
      params,
    );
    return rows[0];
  }

  private async takeOver(params: string[]): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE ledger.idempotency_keys SET created_at = now()
        WHERE ${PK} AND status = 'in_flight' AND created_at < now() - interval '${ABANDONED_AFTER}'`,
      params,
    );
    return rowCount === 1;
  }
}
