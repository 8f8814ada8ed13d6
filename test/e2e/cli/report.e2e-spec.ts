import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore } from '@ledger/event-store';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { appendWorkload } from '../projections/support/workload';
import { GOOD_SECRETS, ledger, project } from './support/cli';

const PAN = '4111 1111 1111 1111';

describe('ledger audit report', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let logDir: string;
  let env: NodeJS.ProcessEnv;
  const report = (args: string[] = [], overrides: NodeJS.ProcessEnv = {}) =>
    ledger(['audit', 'report', '--days', '3650', ...args], { ...env, ...overrides });

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 10 });
    await appendWorkload(store, { payments: 150, seed: 5, concurrency: 6 });
    await project(db.pool, store);
    logDir = mkdtempSync(join(tmpdir(), 'ledger-logs-'));
    writeFileSync(
      join(logDir, 'api.log'),
      [
        JSON.stringify({ level: 30, msg: 'payment created', card: { token: 'tok_visa', last4: '1111' }, amount: 1999 }),
        JSON.stringify({ level: 30, msg: 'request', path: '/v1/payments/3f1c2a9e-8d4b-4c1a-9e2f-1234567890ab' }),
      ].join('\n'),
    );
    env = { DATABASE_URL: db.url, LOG_DIR: logDir, ...GOOD_SECRETS };
  }, 120_000);

  afterAll(() => db.drop());

  it('passes on a clean system (exit 0), with the summary, the metrics and the compliance line', async () => {
    const run = await report();
    expect(run.stderr).not.toMatch(/^ledger:/m);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^## Summary\n- Passed Checks: \d+\n- Warnings: \d+\n- Violations: 0\n- Critical Issues: 0$/m);
    expect(run.stdout).toMatch(/^\| payments created \| 150 \|$/m);
    expect(run.stdout).toMatch(/^\| USD \| \d+ \| \d+ \| \d+ \| \d+ \| \d+ \| -?\d+ \|$/m);
    expect(run.stdout).toMatch(/^## Compliance Status\n✅ COMPLIANT/m);
  });

  it('finds a PAN planted in a log file: a violation, exit 1, never echoing the number', async () => {
    const file = join(logDir, 'worker.log');
    writeFileSync(file, `info start\n{"level":50,"msg":"charge failed for card ${PAN}"}\n`);
    try {
      const run = await report(['--output', join(logDir, '..', `report-${Date.now()}.md`)]);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('❌ NON-COMPLIANT: violations (exit 1)\n');
      expect(run.stderr).toMatch(/card data in logs: 1 log lines hold card data/);
    } finally {
      writeFileSync(file, 'info start\n');
    }
  });

  it('lists where the card data is in the Markdown report', async () => {
    writeFileSync(join(logDir, 'cvv.log'), 'debug body cvv=123\n');
    const output = join(mkdtempSync(join(tmpdir(), 'ledger-report-')), 'audit.md');
    try {
      const run = await report(['--output', output]);
      expect(run.code).toBe(1);
      const markdown = readFileSync(output, 'utf8');
      expect(markdown).toContain('- cvv.log:1: CVV/CVC value');
      expect(markdown).not.toContain('4111');
    } finally {
      writeFileSync(join(logDir, 'cvv.log'), '');
    }
  });

  it('treats a missing encryption key as critical (exit 2)', async () => {
    const run = await report([], { ENCRYPTION_KEY: '' });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/\| 🛑 critical \| ENCRYPTION_KEY \| missing/);
    expect(run.stdout).toMatch(/^## Compliance Status\n🛑 NON-COMPLIANT/m);
    expect(run.stderr).toMatch(/^ledger: audit: 1 critical, 0 violations; first: ENCRYPTION_KEY: missing/m);
  });

  it('treats a configuration that does not load as critical (exit 2)', async () => {
    const run = await report([], { ENCRYPTION_KEY: 'too-short' });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('invalid: ENCRYPTION_KEY: must be at least 32 characters');
  });

  it('flags production without HTTPS and short retention as violations', async () => {
    const run = await report([], { NODE_ENV: 'production', DATA_RETENTION_DAYS: '30' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('| ❌ violation | HTTPS enforced | NODE_ENV=production without FORCE_HTTPS=true |');
    expect(run.stdout).toContain('| ❌ violation | data retention | DATA_RETENTION_DAYS=30 is below 90 |');
  });

  describe('with --api-url', () => {
    let server: Server;
    let headers: Record<string, string>;
    const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    beforeAll(async () => {
      server = createServer((_req, res) => res.writeHead(200, headers).end('{"status":"ok"}'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });

    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('passes when the API sends the security headers', async () => {
      headers = {
        'X-Content-Type-Options': 'nosniff',
        'X-Frame-Options': 'DENY',
        'Content-Security-Policy': "default-src 'self'",
        'Referrer-Policy': 'no-referrer',
      };
      const run = await report(['--api-url', url()]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('| ✅ pass | X-Frame-Options | DENY |');
    });

    it('is a violation when a header is missing', async () => {
      headers = { 'X-Frame-Options': 'DENY' };
      const run = await report(['--api-url', url()]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('| ❌ violation | X-Content-Type-Options | missing (want nosniff) |');
    });
  });

  it("counts rate-limit refusals from the API's Redis counters", async () => {
    const { Redis } = await import('ioredis');
    const redisUrl = process.env.TEST_REDIS_URL as string;
    const redis = new Redis(redisUrl);
    const key = `ledger:rl:violations:refund:payment:${Date.now()}`;
    await redis.set(key, '4', 'PX', 60_000);
    try {
      const run = await report([], { REDIS_URL: redisUrl });
      expect(run.stdout).toMatch(/\| ⚠️ warning \| recent violations \| .*refund: ([4-9]|\d\d+).* refused in the current hour \|/);
    } finally {
      await redis.del(key);
      redis.disconnect();
    }
  });

  it('counts signature failures and duplicates from the webhook delivery log', async () => {
    await db.pool.query(
      `INSERT INTO ledger.webhook_deliveries (provider, outcome) VALUES ('stripe', 'invalid_signature'), ('stripe', 'invalid_signature'),
         ('paystack', 'duplicate'), ('stripe', 'handled')`,
    );
    try {
      const run = await report();
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        '| ⚠️ warning | signature failures and duplicates | 2 signature failures, 1 duplicates absorbed, 0 from outside the IP allowlist in 3650 days |',
      );
      expect((await report(['--provider', 'paystack'])).stdout).toContain(
        '| ✅ pass | signature failures and duplicates | 0 signature failures, 1 duplicates absorbed',
      );
    } finally {
      await db.pool.query('DELETE FROM ledger.webhook_deliveries');
    }
  });

  it('finds card data in a stored event: a violation naming the event, exit 1', async () => {
    const stream = `payment-planted-${Date.now()}`;
    await store.appendToStream(stream, [{ type: 'PaymentCreated', data: { note: `card ${PAN}` }, metadata: {} }], 'no_stream');
    const run = await report(['--verbose']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`- event [0-9a-f-]{36} \\(${stream}@0, position \\d+/\\d+\\): data.note`));
    expect(run.stdout).not.toContain('4111');
  });

  it("finds a card number however many separators split it, with the API guard's detector", async () => {
    const stream = `payment-spread-${Date.now()}`;
    const data = { errorMessage: 'card 4242    4242    4242    4242' };
    const metadata = { idempotencyKey: '4242....4242....4242....4242', requestId: '6011____1111____1111____1117' };
    await store.appendToStream(stream, [{ type: 'PaymentFailed', data, metadata }], 'no_stream');
    const run = await report(['--verbose']);
    expect(run.code).toBe(1);
    const line = run.stdout.split('\n').find((l) => l.includes(`(${stream}@0, position `)) ?? '';
    expect(
      line
        .replace(/^.*\): /, '')
        .split(', ')
        .sort(),
    ).toEqual(['data.errorMessage', 'metadata.idempotencyKey', 'metadata.requestId']);
    expect(run.stdout).not.toMatch(/4242\D+4242|6011\D+1111/);
  });

  it('refuses a bad flag with one line (exit 2)', async () => {
    const run = await report(['--days', 'many']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: option '--days <n>' argument 'many' is invalid/);
  });
});
