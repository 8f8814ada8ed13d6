import { createHash, randomBytes } from 'node:crypto';
import { constantTimeEqual } from './crypto/compare';

export const API_KEY_PREFIX = 'lk_';
const ID_BYTES = 9; // 12 base64url characters
const SECRET_BYTES = 32; // 43 base64url characters
const ID_LENGTH = 12;
const SECRET_LENGTH = 43;
const KEY_LENGTH = API_KEY_PREFIX.length + ID_LENGTH + 1 + SECRET_LENGTH;
const URL_SAFE = /^[A-Za-z0-9_-]+$/;

export const SCOPES = ['payments:write', 'payments:read', 'dashboard:read', 'audit:read', 'admin', 'books:read', 'finance:write'] as const;
export type Scope = (typeof SCOPES)[number];

export interface GeneratedApiKey {
  /** Public identifier, stored in clear and used to look the key up. */
  id: string;
  /** Shown once to its owner, never stored. */
  key: string;
  /** What we store. */
  hash: string;
}

export class UnknownScopeError extends Error {
  readonly code = 'unknown_scope';
  constructor(readonly scope: string) {
    super(`Unknown scope ${JSON.stringify(scope)}; expected one of ${SCOPES.join(', ')}`);
    this.name = 'UnknownScopeError';
  }
}

export function generateApiKey(): GeneratedApiKey {
  // Never a leading `-`: `ledger api-keys revoke <id>` would read the id as an option (1 id in 64 did).
  let id: string;
  do id = randomBytes(ID_BYTES).toString('base64url');
  while (id.startsWith('-'));
  const key = `${API_KEY_PREFIX}${id}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { id, key, hash: hashApiKeySecret(key) };
}

/** Splits by position: the id may itself contain `_`. */
export function parseApiKey(key: string): { id: string; secret: string } | null {
  if (typeof key !== 'string' || key.length !== KEY_LENGTH || !key.startsWith(API_KEY_PREFIX)) return null;
  const id = key.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + ID_LENGTH);
  const separator = key[API_KEY_PREFIX.length + ID_LENGTH];
  const secret = key.slice(API_KEY_PREFIX.length + ID_LENGTH + 1);
  if (separator !== '_' || !URL_SAFE.test(id) || !URL_SAFE.test(secret)) return null;
  return { id, secret };
}

/**
 * SHA-256 hex of the whole key (so the id is bound to the secret). A fast hash
 * is right here: the secret is 256 random bits, so guessing is hopeless at any
 * hash speed, whereas bcrypt/scrypt exist to slow attacks on low-entropy
 * passwords and would only add latency to every authenticated request.
 */
export function hashApiKeySecret(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function verifyApiKey(key: string, storedHash: string): boolean {
  if (parseApiKey(key) === null) return false;
  return constantTimeEqual(hashApiKeySecret(key), storedHash.toLowerCase());
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** `payments:write,dashboard:read` → scopes; unknown names are refused, not dropped. */
export function parseScopes(list: string): Scope[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const name of names) if (!isScope(name)) throw new UnknownScopeError(name);
  return [...new Set(names as Scope[])];
}

export function hasScope(granted: readonly string[], required: Scope): boolean {
  return granted.includes('admin') || granted.includes(required);
}
