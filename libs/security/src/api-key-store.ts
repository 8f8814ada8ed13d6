import type { Pool, PoolClient } from 'pg';
import { generateApiKey, isScope, UnknownScopeError, type Scope } from './api-keys';

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly secretHash: string;
  readonly createdAt: Date;
  /** null: never expires. */
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  /** The first key of its rotation chain (itself when never rotated): the scope of its Idempotency-Keys. */
  readonly lineageId: string;
}

/** What `list` shows: everything but the hash. */
export type ApiKeySummary = Omit<ApiKeyRecord, 'secretHash'>;

/** The channel the api_keys trigger notifies (payload: the key id) on every update or delete. */
export const API_KEY_CHANGES_CHANNEL = 'ledger_api_keys';

export interface NewApiKey {
  readonly name: string;
  readonly scopes: readonly string[];
  readonly expiresAt?: Date | null;
  /** A rotation's new key: its predecessor's lineage. */
  readonly lineageId?: string;
}

const COLUMNS = 'id, name, scopes, secret_hash, created_at, expires_at, revoked_at, lineage_id';

interface Row {
  id: string;
  name: string;
  scopes: string[];
  secret_hash: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  lineage_id: string | null;
}

function toRecord(row: Row): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lineageId: row.lineage_id ?? row.id,
  };
}

/** Stores only the hash; the returned `key` is the one and only time the secret exists outside its owner. */
export async function createApiKey(db: Pool | PoolClient, input: NewApiKey): Promise<{ id: string; key: string }> {
  for (const scope of input.scopes) if (!isScope(scope)) throw new UnknownScopeError(scope);
  if (input.scopes.length === 0) throw new Error('an API key needs at least one scope');
  const { id, key, hash } = generateApiKey();
  await db.query(`INSERT INTO ledger.api_keys (id, name, scopes, secret_hash, expires_at, lineage_id) VALUES ($1, $2, $3, $4, $5, $6)`, [
    id,
    input.name,
    [...new Set(input.scopes as Scope[])],
    hash,
    input.expiresAt ?? null,
    input.lineageId ?? null,
  ]);
  return { id, key };
}

export async function findApiKey(db: Pool | PoolClient, id: string): Promise<ApiKeyRecord | undefined> {
  const { rows } = await db.query<Row>({
    name: 'api_key_by_id',
    text: `SELECT ${COLUMNS} FROM ledger.api_keys WHERE id = $1`,
    values: [id],
  });
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** Several keys by id in one query (the live streams' sweep); a missing id is absent from the map. */
export async function findApiKeys(db: Pool | PoolClient, ids: readonly string[]): Promise<Map<string, ApiKeyRecord>> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM ledger.api_keys WHERE id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((row) => [row.id, toRecord(row)]));
}

/** Every key, oldest first; never the hash. */
export async function listApiKeys(db: Pool): Promise<ApiKeySummary[]> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM ledger.api_keys ORDER BY created_at, id`);
  return rows.map((row) => {
    const { secretHash: _hash, ...summary } = toRecord(row);
    return summary;
  });
}

/** A key that is neither revoked nor past its expiry. */
export function isApiKeyActive(record: Pick<ApiKeyRecord, 'revokedAt' | 'expiresAt'>, now = new Date()): boolean {
  return record.revokedAt === null && (record.expiresAt === null || record.expiresAt.getTime() > now.getTime());
}

/** false when the key does not exist or was already revoked. The table's trigger tells every API process. */
export async function revokeApiKey(db: Pool | PoolClient, id: string): Promise<boolean> {
  const { rowCount } = await db.query(`UPDATE ledger.api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [id]);
  return (rowCount ?? 0) > 0;
}

export class ApiKeyNotActiveError extends Error {
  readonly code = 'api_key_not_active';
  constructor(readonly id: string) {
    super(`API key ${id} does not exist, is revoked or has expired`);
  }
}

/**
 * A new key with the old one's name and scopes, and the old one revoked at once
 * (no grace period: a key is rotated because it may have leaked, and its owner
 * holds the new key before this returns). `expiresAt` applies to the new key;
 * by default it keeps the old key's lifetime (created → expires) from now.
 * One transaction, so two rotations of one key cannot both succeed.
 */
export async function rotateApiKey(
  pool: Pool,
  id: string,
  options: { expiresAt?: Date | null; now?: Date } = {},
): Promise<{ id: string; key: string; name: string; scopes: readonly string[]; expiresAt: Date | null }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<Row>(`SELECT ${COLUMNS} FROM ledger.api_keys WHERE id = $1 FOR UPDATE`, [id]);
    const old = rows[0] ? toRecord(rows[0]) : undefined;
    const now = options.now ?? new Date();
    if (!old || !isApiKeyActive(old, now)) throw new ApiKeyNotActiveError(id);
    const lifetime = old.expiresAt ? old.expiresAt.getTime() - old.createdAt.getTime() : null;
    const expiresAt = options.expiresAt !== undefined ? options.expiresAt : lifetime === null ? null : new Date(now.getTime() + lifetime);
    // The new key keeps the old one's lineage: a retry across the rotation finds its Idempotency-Key's first answer.
    const created = await createApiKey(client, { name: old.name, scopes: old.scopes, expiresAt, lineageId: old.lineageId });
    await revokeApiKey(client, id);
    await client.query('COMMIT');
    return { ...created, name: old.name, scopes: old.scopes, expiresAt };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
