import type { Pool } from 'pg';
import { generateApiKey, isScope, UnknownScopeError, type Scope } from './api-keys';

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly secretHash: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

/** Stores only the hash; the returned `key` is the one and only time the secret exists outside its owner. */
export async function createApiKey(pool: Pool, input: { name: string; scopes: readonly string[] }): Promise<{ id: string; key: string }> {
  for (const scope of input.scopes) if (!isScope(scope)) throw new UnknownScopeError(scope);
  if (input.scopes.length === 0) throw new Error('an API key needs at least one scope');
  const { id, key, hash } = generateApiKey();
  await pool.query(`INSERT INTO ledger.api_keys (id, name, scopes, secret_hash) VALUES ($1, $2, $3, $4)`, [
    id,
    input.name,
    [...new Set(input.scopes as Scope[])],
    hash,
  ]);
  return { id, key };
}

export async function findApiKey(pool: Pool, id: string): Promise<ApiKeyRecord | undefined> {
  const { rows } = await pool.query<{
    id: string;
    name: string;
    scopes: string[];
    secret_hash: string;
    created_at: Date;
    revoked_at: Date | null;
  }>(`SELECT id, name, scopes, secret_hash, created_at, revoked_at FROM ledger.api_keys WHERE id = $1`, [id]);
  const row = rows[0];
  if (!row) return undefined;
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

export async function revokeApiKey(pool: Pool, id: string): Promise<boolean> {
  const { rowCount } = await pool.query(`UPDATE ledger.api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [id]);
  return (rowCount ?? 0) > 0;
}
