import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '@ledger/platform';
import { PostgresEventStore } from '@ledger/event-store';
import { rebuildProjection } from '@ledger/projections';
import { createTestDatabase, testServices, uniquePrefix, type TestDatabase } from '@ledger/testing';
import { snapshotReadModels, waitForProjections } from '../projections/support/harness';

const ROOT = resolve(__dirname, '..', '..', '..');
const STALL_AFTER_MS = 2_000;
const TICK_MS = 500;
/** Longer than the stall needs to show, so the test sees the stall before `npm start` brings the projector back. */
const RESTART_DELAY_MS = 12_000;

/** `npm start`'s process (the dev stack, from source) with its output kept line by line. */
class DevStack {
  readonly lines: string[] = [];
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(env: NodeJS.ProcessEnv) {
    this.child = spawn(
      process.execPath,
      ['--require', join(ROOT, 'test', 'support', 'swc-register.js'), join(ROOT, 'apps', 'dev-stack', 'src', 'main.ts')],
      { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    for (const stream of [this.child.stdout, this.child.stderr]) createInterface({ input: stream! }).on('line', (l) => this.lines.push(l));
    this.exited = new Promise((done) => this.child.once('exit', (code) => done(code)));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  async waitForLine(pattern: RegExp, timeoutMs: number, from = 0): Promise<string> {
    return waitFor(() => this.lines.slice(from).find((l) => pattern.test(l)), timeoutMs, `a line matching ${pattern}`);
  }

  /** The pid of the dev stack's child running `app` (its entry on the command line). */
  appPid(app: string): number | undefined {
    for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (ppid === this.pid && cmd.includes(join('apps', app, 'src', 'main.ts'))) return Number(entry);
      } catch {
        // exited while we looked
      }
    }
    return undefined;
  }

  async stop(): Promise<number | null> {
    try {
      process.kill(-this.pid, 'SIGINT');
    } catch {
      return this.exited;
    }
    return this.exited;
  }
}

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start with a projector killed under traffic', () => {
  let db: TestDatabase;
  let stack: DevStack;
  let dataDir: string;
  let base: string;
  let key: string;

  beforeAll(async () => {
    db = await createTestDatabase(4);
    dataDir = mkdtempSync(join(tmpdir(), 'ledger-dead-projector-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    stack = new DevStack({
      DATABASE_URL: db.url,
      REDIS_URL: testServices().redisUrl,
      ALERT_QUEUE_PREFIX: uniquePrefix('dead-projector'),
      LEDGER_DATA_DIR: dataDir,
      PORT: String(port),
      PROJECTOR_METRICS_PORT: '0',
      WORKER_METRICS_PORT: '0',
      PROJECTION_STALL_AFTER: `${STALL_AFTER_MS}ms`,
      ALERT_TICK_INTERVAL: `${TICK_MS}ms`,
      RESTART_DELAY: `${RESTART_DELAY_MS}ms`,
      RATE_LIMITS: 'payment=100000/1m,payment_key=100000/1m,refund=100000/1m,status=100000/1m,api=100000/1m',
      LOG_LEVEL: 'warn',
    });
    await stack.waitForLine(/running; Ctrl-C stops everything/, 120_000);
    const at = stack.lines.findIndex((l) => l.includes('first admin API key'));
    key = stack.lines
      .slice(at + 1)
      .find((l) => /^\s+lk_\S+$/.test(l))!
      .trim();
  }, 180_000);

  afterAll(async () => {
    if (stack) await stack.stop();
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const api = async (path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': `k-${Math.random()}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('is shown stalled within PROJECTION_STALL_AFTER + ALERT_TICK_INTERVAL + 5 s with one alert, comes back, and the read models equal a rebuild', async () => {
    let traffic = true;
    let paid = 0;
    const client = async () => {
      while (traffic) {
        const created = await api('/v1/payments', { provider: 'stripe', amount: 1000 + paid, currency: 'USD', customerId: `cus_${paid}` });
        expect(created.status).toBe(201);
        const id = created.body.paymentId as string;
        expect((await api(`/v1/payments/${id}/processing`, {})).status).toBe(200);
        expect((await api(`/v1/payments/${id}/success`, {})).status).toBe(200);
        paid++;
      }
    };
    const clients = [client(), client(), client()];
    await waitFor(() => paid >= 10 || undefined, 30_000, 'traffic');

    const projector = stack.appPid('projector');
    expect(projector).toBeDefined();
    const linesBefore = stack.lines.length;
    const killedAt = Date.now();
    process.kill(projector!, 'SIGKILL');

    // The health endpoint (and the board the page reads) name the stalled projection, within the bound.
    const bound = STALL_AFTER_MS + TICK_MS + 5_000;
    const health = await waitFor(
      async () => {
        const h = await api('/v1/dashboard/health');
        return (h.body.issues as string[]).some((i) => /stalled/.test(i) && /ledger/.test(i)) ? h.body : undefined;
      },
      bound,
      'the stall on /v1/dashboard/health',
    );
    expect(health.status).toBe('unhealthy');
    const board = await api('/v1/dashboard/board');
    expect(JSON.stringify(board.body.projections)).toMatch(/stalled/);
    const raisedQuery = `SELECT count(*)::int AS n FROM monitoring.alert_outbox WHERE payload->>'rule' = 'projection_stalled' AND payload->>'kind' = 'raised'`;
    await waitFor(
      async () => ((await db.pool.query<{ n: number }>(raisedQuery)).rows[0].n >= 1 ? true : undefined),
      bound - (Date.now() - killedAt),
      'a projection_stalled alert',
    );
    expect(Date.now() - killedAt).toBeLessThanOrEqual(bound);

    // npm start brings it back, once, with one log line.
    traffic = false;
    await Promise.all(clients);
    await stack.waitForLine(/projector exited \(SIGKILL\): restarting in 12 s/, 5_000, linesBefore);
    await waitFor(() => stack.appPid('projector') !== projector && stack.appPid('projector'), RESTART_DELAY_MS + 30_000, 'a new projector');
    const store = new PostgresEventStore(db.pool, { pollIntervalMs: 10 });
    try {
      await waitForProjections(db.pool, store, 60_000);
      await waitFor(
        async () =>
          (
            await db.pool.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM monitoring.alert_outbox WHERE payload->>'rule' = 'projection_stalled' AND payload->>'kind' = 'recovered'`,
            )
          ).rows[0].n >= 1 || undefined,
        10_000,
        'the stall recovered',
      );
      expect((await db.pool.query<{ n: number }>(raisedQuery)).rows[0].n).toBe(1);
      expect(stack.lines.slice(linesBefore).filter((l) => /projector exited/.test(l))).toHaveLength(1);
      expect(await stack.stop()).toBe(0);

      const live = await snapshotReadModels(db.pool);
      expect(live.payments.length).toBeGreaterThanOrEqual(paid);
      for (const name of ['ledger', 'audit_trail']) await rebuildProjection(name, { pool: db.pool, store });
      expect(await snapshotReadModels(db.pool)).toEqual(live);
    } finally {
      await store.close();
    }
  }, 180_000);
});
