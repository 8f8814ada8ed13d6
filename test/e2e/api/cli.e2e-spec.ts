import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { withDatabase } from '@ledger/platform';
import { findApiKey, verifyApiKey } from '@ledger/security';
import { testServices } from '@ledger/testing';
import { runCli } from '../../../apps/ledger-cli/src/cli';
import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api.close());

async function ledger(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return ledgerOn(api.db.url, argv);
}

async function ledgerOn(databaseUrl: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
  });
  return { code, stdout, stderr };
}

async function admin<T>(work: (client: Client) => Promise<T>, url = testServices().pgUrl): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('ledger api-keys create', () => {
  it('prints the key alone on stdout, stores only its hash, and the key works', async () => {
    const out = await ledger('api-keys', 'create', '--scopes', 'payments:read,dashboard:read', '--name', 'finance');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^lk_[A-Za-z0-9_-]{56}\n$/);
    expect(out.stderr).toContain('finance');
    const key = out.stdout.trim();
    const record = await findApiKey(api.db.pool, key.slice(3, 15));
    expect(record).toMatchObject({ name: 'finance', scopes: ['payments:read', 'dashboard:read'] });
    expect(record?.secretHash).not.toContain(key.slice(16));
    expect(verifyApiKey(key, record!.secretHash)).toBe(true);
    expect((await call(api, 'GET', '/v1/payments/x', { key })).status).toBe(404);
    expect((await call(api, 'POST', '/v1/payments/x/processing', { key })).status).toBe(403);
  });

  it('refuses an unknown scope with one line and exit 2', async () => {
    const out = await ledger('api-keys', 'create', '--scopes', 'payments:write,root');
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toContain('root');
  });

  it('exits 2 when --scopes is missing', async () => {
    const out = await ledger('api-keys', 'create');
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
  });
});

describe('ledger api-keys on a database that was never migrated', () => {
  const name = `e_${randomBytes(6).toString('hex')}`;
  const url = () => withDatabase(testServices().pgUrl, name);
  beforeAll(() => admin((c) => c.query(`CREATE DATABASE ${name}`)));
  afterAll(() => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));

  it('says so in one line (exit 2) and leaves it unmigrated: the CLI never migrates', async () => {
    const out = await ledgerOn(url(), ['api-keys', 'create', '--scopes', 'payments:read']);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(/^ledger: the database at 127\.0\.0\.1:\d+\/e_\w+ is not migrated \(.*\): the ledger CLI never migrates/);
    const tables = await admin(
      (c) =>
        c.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`),
      url(),
    );
    expect(tables.rows[0].n).toBe(0);
  });
});
