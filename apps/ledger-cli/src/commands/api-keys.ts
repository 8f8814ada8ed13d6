import type { Command } from 'commander';
import type { Pool } from 'pg';
import { loadConfig } from '@ledger/platform';
import {
  ApiKeyExpiryError,
  ApiKeyNotActiveError,
  createApiKey,
  isApiKeyActive,
  listApiKeys,
  parseScopes,
  resolveApiKeyExpiry,
  revokeApiKey,
  rotateApiKey,
  UnknownScopeError,
  type ApiKeySummary,
} from '@ledger/security';
import { withPool as withDatabasePool } from '../connect';
import { CliError, type CliIo } from '../io';

interface ExpiryOptions {
  expiresIn?: string;
  expiresAt?: string;
}

const EXPIRY_HELP = `
Expiry: --expires-in <n><unit> (m, h, d or w: 90m, 12h, 30d, 4w) or --expires-at
<ISO 8601 date-time with offset>, in the future and within 5 years. Without
either the key does not expire. An expired or revoked key is refused by every
API process within a second.`;

/**
 * `ledger api-keys create|list|revoke|rotate`. A key is printed once, alone on
 * stdout; `list` never prints a secret (only its hash is stored anyway).
 */
export function registerApiKeyCommands(program: Command, io: CliIo): void {
  const apiKeys = program.command('api-keys').description('manage API keys');
  registerCreate(apiKeys, io);
  registerList(apiKeys, io);
  registerRevoke(apiKeys, io);
  registerRotate(apiKeys, io);
}

function registerCreate(apiKeys: Command, io: CliIo): void {
  apiKeys
    .command('create')
    .description('create an API key and print it once')
    .requiredOption('--scopes <list>', 'comma-separated: payments:write, payments:read, dashboard:read, audit:read, admin, books:read')
    .option('--name <name>', 'who or what the key is for', 'unnamed')
    .option('--expires-in <duration>', 'the key expires this long from now (e.g. 30d)')
    .option('--expires-at <date-time>', 'the key expires at this moment (e.g. 2027-01-31T00:00:00Z)')
    .addHelpText('after', EXPIRY_HELP)
    .action(async (options: { scopes: string; name: string } & ExpiryOptions) => {
      const scopes = scopesOf(options.scopes);
      const expiresAt = expiryOf(options);
      await withPool(io, 'create', async (pool) => {
        const { id, key } = await createApiKey(pool, { name: options.name, scopes, expiresAt });
        const until = expiresAt ? `, expires ${expiresAt.toISOString()}` : '';
        io.stderr(`created API key ${id} (${options.name}) with scopes ${scopes.join(',')}${until}; it is shown only once\n`);
        io.stdout(`${key}\n`);
      });
    });
}

function registerList(apiKeys: Command, io: CliIo): void {
  apiKeys
    .command('list')
    .description('list API keys: id, name, scopes, created, expires, revoked (never a secret)')
    .option('--json', 'one JSON object per line')
    .action(async (options: { json?: boolean }) => {
      await withPool(io, 'list', async (pool) => {
        const keys = await listApiKeys(pool);
        io.stdout(options.json ? keys.map((k) => `${JSON.stringify(asJson(k))}\n`).join('') : table(keys));
      });
    });
}

function registerRevoke(apiKeys: Command, io: CliIo): void {
  apiKeys
    .command('revoke <id>')
    .description('revoke an API key; every API process refuses it within a second')
    .action(async (id: string) => {
      await withPool(io, 'revoke', async (pool) => {
        if (!(await revokeApiKey(pool, id))) throw new CliError(`no active API key ${id} (unknown or already revoked)`, 1);
        io.stderr(`revoked API key ${id}\n`);
      });
    });
}

function registerRotate(apiKeys: Command, io: CliIo): void {
  apiKeys
    .command('rotate <id>')
    .description('replace a key: a new key with the same name and scopes, printed once; the old key is revoked at once (no grace period)')
    .option('--expires-in <duration>', 'the new key expires this long from now (default: the old key’s lifetime, from now)')
    .option('--expires-at <date-time>', 'the new key expires at this moment')
    .addHelpText('after', EXPIRY_HELP)
    .action(async (id: string, options: ExpiryOptions) => {
      const given = options.expiresIn !== undefined || options.expiresAt !== undefined;
      const expiresAt = given ? expiryOf(options) : undefined;
      await withPool(io, 'rotate', async (pool) => {
        let rotated;
        try {
          rotated = await rotateApiKey(pool, id, { expiresAt });
        } catch (error) {
          if (error instanceof ApiKeyNotActiveError) throw new CliError(error.message, 1);
          throw error;
        }
        const until = rotated.expiresAt ? `, expires ${rotated.expiresAt.toISOString()}` : '';
        io.stderr(
          `API key ${id} revoked; new key ${rotated.id} (${rotated.name}) with scopes ${rotated.scopes.join(',')}${until}; it is shown only once\n`,
        );
        io.stdout(`${rotated.key}\n`);
      });
    });
}

/** `--scopes`: at least one, each a known scope (exit 2 otherwise). */
function scopesOf(list: string): string[] {
  let scopes;
  try {
    scopes = parseScopes(list);
  } catch (error) {
    if (error instanceof UnknownScopeError) throw new CliError(error.message, 2);
    throw error;
  }
  if (scopes.length === 0) throw new CliError('--scopes needs at least one scope', 2);
  return scopes;
}

function expiryOf(options: ExpiryOptions): Date | null {
  try {
    return resolveApiKeyExpiry(options);
  } catch (error) {
    if (error instanceof ApiKeyExpiryError) throw new CliError(error.message, 2);
    throw error;
  }
}

/** Keys live in the database the apps use: connected to, never migrated (`npm start` or a deploy migrates). */
function withPool(io: CliIo, command: string, work: (pool: Pool) => Promise<void>): Promise<void> {
  return withDatabasePool(io, loadConfig(io.env), `api-keys ${command}`, work);
}

function asJson(k: ApiKeySummary): Record<string, unknown> {
  return {
    id: k.id,
    name: k.name,
    scopes: k.scopes,
    created: k.createdAt.toISOString(),
    expires: k.expiresAt?.toISOString() ?? null,
    revoked: k.revokedAt?.toISOString() ?? null,
    active: isApiKeyActive(k),
  };
}

function table(keys: readonly ApiKeySummary[]): string {
  const header = ['ID', 'NAME', 'SCOPES', 'CREATED', 'EXPIRES', 'REVOKED'];
  const rows = keys.map((k) => [
    k.id,
    k.name,
    k.scopes.join(','),
    k.createdAt.toISOString(),
    k.expiresAt?.toISOString() ?? '-',
    k.revokedAt?.toISOString() ?? '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows]
    .map(
      (r) =>
        `${r
          .map((c, i) => c.padEnd(widths[i]))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}
