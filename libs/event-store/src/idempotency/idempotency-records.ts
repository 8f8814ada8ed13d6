import type { Pool } from 'pg';
import { Coalescer, type CoalescerOptions, type Settled } from '../postgres/coalescer';
import type { ClaimRefusal, IdempotencyClaim, StoredAnswer } from './idempotency-log';

/**
 * An in-flight record older than this belongs to a request that died (crash, lost connection); a retry
 * may take it over. Safe because the retried command appends the same deterministic event ids.
 */
const ABANDONED_AFTER = '60 seconds';
const PK = 'api_key_id = $1 AND key = $2';

interface RecordRow {
  request_hash: string;
  status: 'in_flight' | 'done';
  response_status: number | null;
  response_body: string | null;
  expired: boolean;
  abandoned: boolean;
}

/** `ledger.idempotency_keys`, one row per (API key, Idempotency-Key). */
interface HashLookup {
  readonly namespace: string;
  readonly key: string;
  /** Lookups never wait for one another: each its own coalescer key. */
  readonly n: number;
}

export class IdempotencyRecords {
  private readonly hashes?: Coalescer<HashLookup, string | undefined>;
  private lookups = 0;

  constructor(
    /** Commits without waiting for the WAL flush: a record lost to a crash only makes a retry a no-op rerun. */
    readonly pool: Pool,
    readonly ttlMs: number,
    coalesce?: false | CoalescerOptions,
  ) {
    if (coalesce !== false)
      this.hashes = new Coalescer(
        (claims) => this.storedRequestHashes(claims),
        (c) => String(c.n),
        coalesce,
      );
  }

  /** Claims the key, or says why not; an expired record is replaced, an abandoned one taken over. */
  async claim(claim: IdempotencyClaim): Promise<ClaimRefusal | undefined> {
    const params = [claim.namespace, claim.key];
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.pool.query(
        `INSERT INTO ledger.idempotency_keys (api_key_id, key, request_hash, status, expires_at)
         VALUES ($1, $2, $3, 'in_flight', now() + $4 * interval '1 millisecond')
         ON CONFLICT DO NOTHING`,
        [...params, claim.requestHash, this.ttlMs],
      );
      if (inserted.rowCount === 1) return undefined;
      const row = await this.read(params);
      if (!row) continue;
      if (row.expired) {
        await this.pool.query(`DELETE FROM ledger.idempotency_keys WHERE ${PK} AND expires_at <= now()`, params);
        continue;
      }
      const refusal = refusalOf(row, await hashAgainst(row, claim));
      if (refusal) return refusal;
      if (await this.takeOver(params)) return undefined;
      return { kind: 'in_flight' };
    }
    return { kind: 'in_flight' };
  }

  async peek(claim: IdempotencyClaim): Promise<ClaimRefusal | undefined> {
    const row = await this.read([claim.namespace, claim.key]);
    if (!row || row.expired) return undefined;
    return refusalOf(row, await hashAgainst(row, claim));
  }

  async storedRequestHash(claim: Pick<IdempotencyClaim, 'namespace' | 'key'>): Promise<string | undefined> {
    if (this.hashes) return this.hashes.submit({ namespace: claim.namespace, key: claim.key, n: this.lookups++ });
    const row = await this.read([claim.namespace, claim.key]);
    return row && !row.expired ? row.request_hash : undefined;
  }

  /** storedRequestHash of the requests arriving together, one statement (coalesced, issue 33). */
  private async storedRequestHashes(claims: readonly HashLookup[]): Promise<Settled<string | undefined>[]> {
    const { rows } = await this.pool.query<{ item: number; request_hash: string | null; expired: boolean | null }>({
      name: 'idempotency_stored_hashes',
      text: `SELECT i.item::int AS item, k.request_hash, k.expires_at <= now() AS expired
               FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS i(api_key_id, key, item)
               LEFT JOIN ledger.idempotency_keys k ON k.api_key_id = i.api_key_id AND k.key = i.key
              ORDER BY i.item`,
      values: [claims.map((c) => c.namespace), claims.map((c) => c.key)],
    });
    const hashes = claims.map((): string | undefined => undefined);
    for (const row of rows) if (row.request_hash !== null && row.expired === false) hashes[row.item - 1] = row.request_hash;
    return hashes.map((value) => ({ ok: true, value }));
  }

  async record(claim: IdempotencyClaim, answer: StoredAnswer): Promise<void> {
    await this.pool.query(`UPDATE ledger.idempotency_keys SET status = 'done', response_status = $3, response_body = $4 WHERE ${PK}`, [
      claim.namespace,
      claim.key,
      answer.status,
      answer.body,
    ]);
  }

  async release(claim: IdempotencyClaim): Promise<void> {
    await this.pool.query(`DELETE FROM ledger.idempotency_keys WHERE ${PK} AND status = 'in_flight'`, [claim.namespace, claim.key]);
  }

  purgeExpired(): Promise<number> {
    return purgeExpiredIdempotencyRecords(this.pool);
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

/**
 * Deletes the records past their `expires_at` (IDEMPOTENCY_TTL), in batches of short transactions so a backlog
 * never holds locks long; returns how many went. The alert worker's retention runs it (README › Data retention).
 */
export async function purgeExpiredIdempotencyRecords(pool: Pool, now = new Date()): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await pool.query(
      `DELETE FROM ledger.idempotency_keys
        WHERE ctid = ANY (ARRAY(SELECT ctid FROM ledger.idempotency_keys WHERE expires_at <= $1 LIMIT 5000))`,
      [now],
    );
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < 5000) return total;
  }
}

/** The claim's request hash to compare with the record's: made again the record's way when they differ and the claim can. */
async function hashAgainst(row: RecordRow, claim: IdempotencyClaim): Promise<string> {
  return row.request_hash === claim.requestHash || !claim.rehash ? claim.requestHash : claim.rehash(row.request_hash);
}

/** What a live record answers another request under its key; undefined for an abandoned claim (take it over). */
function refusalOf(row: RecordRow, requestHash: string): ClaimRefusal | undefined {
  if (row.request_hash !== requestHash) return { kind: 'reused' };
  if (row.status === 'done') return { kind: 'replay', answer: { status: row.response_status ?? 200, body: row.response_body ?? '' } };
  return row.abandoned ? undefined : { kind: 'in_flight' };
}
