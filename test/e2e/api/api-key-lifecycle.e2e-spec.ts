import type { AddressInfo } from 'node:net';
import { loadConfig } from '@ledger/platform';
import { findApiKey } from '@ledger/security';
import { testServices } from '@ledger/testing';
import { createApiApp } from '../../../apps/ledger-api/src/app';
import { runCli } from '../../../apps/ledger-cli/src/cli';
import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';

/** Two API processes on one database and Redis: the harness's, and a second createApiApp. */
let first: ApiHarness;
let second: { baseUrl: string; close(): Promise<unknown> };
beforeAll(async () => {
  first = await startApiHarness();
  const { app } = await createApiApp({
    config: loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      RATE_LIMITS: 'payment_key=100000/1m,auth_failure=100000/1m,api=100000/1m',
    }),
    databaseUrl: first.db.url,
    redisUrl: testServices().redisUrl,
    rateLimitPrefix: first.rateLimitPrefix,
  });
  await app.listen(0, '127.0.0.1');
  second = { baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`, close: () => app.close() };
});
afterAll(async () => {
  await second.close();
  await first.close();
});

async function ledger(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { DATABASE_URL: first.db.url, LOG_LEVEL: 'silent' },
  });
  return { code, stdout, stderr };
}

const statusWith = (api: { baseUrl: string }, key: string) => call(api, 'GET', '/v1/payments/none', { key }).then((r) => r.status);
const idOf = (key: string) => key.slice(3, 15);

/** Polls until `status` is 401 on both processes; a generous cap, since only "stops working" is asserted. */
async function untilRefusedEverywhere(key: string): Promise<number[]> {
  const deadline = Date.now() + 10_000;
  let statuses: number[];
  do {
    statuses = [await statusWith(first, key), await statusWith(second, key)];
    if (statuses.every((s) => s === 401)) break;
    await new Promise((r) => setTimeout(r, 50));
  } while (Date.now() < deadline);
  return statuses;
}

async function createKey(...extra: string[]): Promise<string> {
  const out = await ledger('api-keys', 'create', '--scopes', 'payments:read', '--name', 'ops', ...extra);
  expect(out.code).toBe(0);
  return out.stdout.trim();
}

describe('ledger api-keys revoke', () => {
  it('each API process listens for key changes on its own connection', async () => {
    const { rows } = await first.db.pool.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN ledger_api_keys'`,
    );
    expect(rows[0].n).toBe(2);
  });

  it('a revoked key is refused by both API processes, though both had it cached', async () => {
    const key = await createKey();
    expect([await statusWith(first, key), await statusWith(second, key)]).toEqual([404, 404]);
    const out = await ledger('api-keys', 'revoke', idOf(key));
    expect(out).toMatchObject({ code: 0, stdout: '' });
    expect(await untilRefusedEverywhere(key)).toEqual([401, 401]);
  });

  it('exits 1 for an unknown or already revoked key', async () => {
    const key = await createKey();
    expect((await ledger('api-keys', 'revoke', idOf(key))).code).toBe(0);
    expect((await ledger('api-keys', 'revoke', idOf(key))).code).toBe(1);
    expect((await ledger('api-keys', 'revoke', 'nosuchkey123')).code).toBe(1);
  });
});

describe('ledger api-keys rotate', () => {
  it('prints a new key alone on stdout with the same name and scopes, and revokes the old one at once', async () => {
    const old = await createKey('--expires-in', '30d');
    const out = await ledger('api-keys', 'rotate', idOf(old));
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^lk_[A-Za-z0-9_-]{56}\n$/);
    const fresh = out.stdout.trim();
    const record = await findApiKey(first.db.pool, idOf(fresh));
    expect(record).toMatchObject({ name: 'ops', scopes: ['payments:read'], revokedAt: null });
    // The old key's 30-day lifetime carries over, counted from the rotation.
    const days = (record!.expiresAt!.getTime() - record!.createdAt.getTime()) / 86_400_000;
    expect(days).toBeCloseTo(30, 2);
    expect((await findApiKey(first.db.pool, idOf(old)))?.revokedAt).not.toBeNull();
    expect(await untilRefusedEverywhere(old)).toEqual([401, 401]);
    expect([await statusWith(first, fresh), await statusWith(second, fresh)]).toEqual([404, 404]);
    expect((await ledger('api-keys', 'rotate', idOf(old))).code).toBe(1);
  });
});

describe('ledger api-keys create --expires-*', () => {
  it('an expired key stops working everywhere', async () => {
    const key = await createKey('--expires-in', '1m');
    expect(await statusWith(first, key)).toBe(404);
    await first.db.pool.query(`UPDATE ledger.api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [idOf(key)]);
    expect(await untilRefusedEverywhere(key)).toEqual([401, 401]);
  });

  it('stores --expires-at, and refuses a past, malformed or doubled expiry with exit 2', async () => {
    const key = await createKey('--expires-at', '2030-01-31T00:00:00Z');
    expect((await findApiKey(first.db.pool, idOf(key)))?.expiresAt?.toISOString()).toBe('2030-01-31T00:00:00.000Z');
    for (const bad of [
      ['--expires-in', '30'],
      ['--expires-in', '-1d'],
      ['--expires-at', '2020-01-01T00:00:00Z'],
      ['--expires-at', '2030-01-31'],
      ['--expires-in', '1d', '--expires-at', '2030-01-31T00:00:00Z'],
    ]) {
      const out = await ledger('api-keys', 'create', '--scopes', 'payments:read', ...bad);
      expect({ bad, code: out.code, stdout: out.stdout }).toEqual({ bad, code: 2, stdout: '' });
    }
  });
});

describe('ledger api-keys list', () => {
  it('shows id, name, scopes, created, expires and revoked, and never a secret', async () => {
    const live = await createKey('--expires-at', '2031-06-01T00:00:00Z');
    const gone = await createKey();
    await ledger('api-keys', 'revoke', idOf(gone));
    const out = await ledger('api-keys', 'list');
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines[0].split(/\s+/)).toEqual(['ID', 'NAME', 'SCOPES', 'CREATED', 'EXPIRES', 'REVOKED']);
    const liveLine = lines.find((l) => l.startsWith(idOf(live)))!;
    expect(liveLine).toMatch(/ops\s+payments:read\s+\S+Z\s+2031-06-01T00:00:00.000Z\s+-$/);
    expect(lines.find((l) => l.startsWith(idOf(gone)))).toMatch(/\s+-\s+\d{4}-\S+Z$/);
    for (const key of [live, gone, ...Object.values(first.keys)]) expect(out.stdout).not.toContain(key.slice(16));
    const json = (await ledger('api-keys', 'list', '--json')).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(json.find((k) => k.id === idOf(gone))).toMatchObject({ active: false, expires: null });
    expect(JSON.stringify(json)).not.toMatch(/secret|hash/i);
  });
});
