import { findApiKey, verifyApiKey } from '@ledger/security';
import { runCli } from '../../../apps/ledger-cli/src/cli';
import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(() => api.close());

async function ledger(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { DATABASE_URL: api.db.url, LOG_LEVEL: 'silent' },
  });
  return { code, stdout, stderr };
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
