import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedisServer, type RunningService } from '@ledger/platform';
import { waitFor } from '@ledger/testing';

// A redis-server of this file's own (issue 29, case 8), in a data dir made before passwords existed.
const dataDir = mkdtempSync(join(tmpdir(), 'embedded-redis-'));
const dir = join(dataDir, 'redis');
let redis: RunningService;
const clients: Redis[] = [];
const client = (url: string) => {
  const c = new Redis(url, { lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  clients.push(c);
  return c;
};
const mode = (path: string) => statSync(path).mode & 0o777;
const files = (at: string): string[] =>
  readdirSync(at, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(at, e.name)) : [join(at, e.name)]));

beforeAll(async () => {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  writeFileSync(join(dir, 'appendonly.aof'), '', { mode: 0o644 });
  redis = await startRedisServer({ dataDir });
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await redis.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('The embedded Redis', () => {
  it('requires the password generated into its data dir: without it every command is refused', async () => {
    const password = readFileSync(join(dir, 'password'), 'utf8').trim();
    expect(password).toMatch(/^[0-9a-f]{64}$/);
    const url = new URL(redis.url);
    expect(url.password).toBe(password);
    const anonymous = client(`redis://127.0.0.1:${url.port}`);
    await anonymous.connect();
    await expect(anonymous.lpush('bull:alerts:wait', 'forged')).rejects.toThrow(/NOAUTH/);
    const withPassword = client(redis.url);
    await withPassword.connect();
    expect(await withPassword.set('k', 'v')).toBe('OK');
  });

  it('keeps its password, config and data owner-only, old files included, and never on the command line', async () => {
    const writer = client(redis.url);
    await writer.connect();
    await writer.set('written', '1');
    await writer.call('BGREWRITEAOF');
    // The rewrite's temporary files come and go while it runs: judge the files it leaves.
    await waitFor(
      async () =>
        /aof_rewrite_in_progress:0/.test(await writer.info('persistence')) &&
        /aof_rewrite_scheduled:0/.test(await writer.info('persistence')),
      'the AOF rewrite to finish',
    );
    expect(mode(dir)).toBe(0o700);
    const all = files(dir);
    expect(all.map((f) => f.slice(dir.length + 1))).toEqual(expect.arrayContaining(['password', 'redis.conf', 'state.json']));
    expect(all.filter((f) => mode(f) !== 0o600)).toEqual([]);
    const { pid } = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { pid: number };
    const password = new URL(redis.url).password;
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(password);
  });

  it('is found again, with the same password, by a second start on the same data dir', async () => {
    const again = await startRedisServer({ dataDir });
    expect(again).toMatchObject({ url: redis.url, owned: false });
  });
});
