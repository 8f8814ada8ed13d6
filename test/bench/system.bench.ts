import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool, startRedisServer } from '../../libs/platform/src';
import { createApiKey } from '@ledger/security';
import { benchDatabase, percentile } from './bench-db';
import { cpuOf, PostgresCpuByClient, postmasterOf } from './cpu-usage';
import { PG_STATEMENTS_SETTINGS, PostgresStatements } from './pg-statements';
import { roundTripsOf } from './round-trip-counter';
import { forkLoad, GENEROUS_RATE_LIMITS, loadResult, runBench, stopApp, waitUntilLive, type LoadResult } from './processes';

/**
 * `npm run bench:system` (issue 33): commands through `npm start`'s whole system — the dev stack as `npm start`
 * runs it, built (`npm run build` first, then dist/apps/dev-stack/src/main.js; BENCH_FROM_SOURCE=1 runs it from
 * source through swc-register instead) running ledger-api, the projector and the alert worker on a fresh PostgreSQL
 * and Redis — at BENCH_CONNECTIONS (default 32) for BENCH_SECONDS (default 20, after 5 s of warm-up). Each
 * connection walks payments through create → processing → success, every command with its own Idempotency-Key.
 * Prints commands/s and p50/p99, CPU ms per command of each process (API, projector, alert worker, PostgreSQL),
 * PostgreSQL's split by the client it served (each app's pools carry its `application_name`; sampled, so it also
 * counts backends that started or ended in the window, which the PostgreSQL column does not), the API's peak RSS,
 * the projections' lag p99 during the load (GET /v1/dashboard/projections twice a second), then raw single-row
 * INSERT transactions/s into the same database (32 writers, the system stopped) and the ratio, with the load
 * average. BENCH_APP_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) is given to the dev stack, whose apps
 * inherit it. BENCH_PG_STATEMENTS=1 starts the database with `pg_stat_statements` and prints PostgreSQL's profile
 * of the load by statement (pg-statements.ts): calls, planning and execution per command, the heaviest 15
 * (BENCH_PG_STATEMENTS=N: the heaviest N).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
/**
 * Customers the payments spread over, at random (BENCH_CUSTOMERS); unset, every payment is the one customer
 * `c-bench`'s, as in the runs of record. One customer paying hundreds of times a second trips the fraud-velocity
 * manager's customer_payments rule for good: nearly every payment gets a PaymentFraudFlagged naming the window's
 * payments (up to 100 ids, about 4.3 kB of JSON), which the API reads back with the payment's stream.
 */
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 0);
const customerId = () => (CUSTOMERS > 0 ? `c-bench-${Math.floor(Math.random() * CUSTOMERS)}` : 'c-bench');
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const RAW_WRITERS = 32;
const PORT = 4100 + Math.floor(Math.random() * 90);
const ROOT = join(__dirname, '..', '..');
const APPS = ['ledger-api', 'projector', 'alert-worker'] as const;
const FROM_SOURCE = process.env.BENCH_FROM_SOURCE === '1';
/** How many statements BENCH_PG_STATEMENTS lists (0: none, the database started without the extension). */
const PG_STATEMENTS =
  process.env.BENCH_PG_STATEMENTS === '1' ? 15 : Math.max(0, Math.floor(Number(process.env.BENCH_PG_STATEMENTS ?? 0) || 0));
/** The built tree the stack runs from (BENCH_DIST_DIR: another build, to compare two). */
const DIST = process.env.BENCH_DIST_DIR ?? join(ROOT, 'dist');

async function load(url: string, key: string, connections: string, seconds: string): Promise<void> {
  const { default: autocannon } = await import('autocannon');
  const command = (path: string, body: unknown) => ({
    method: 'POST',
    path,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify(body),
  });
  const result = await autocannon({
    url,
    connections: Number(connections),
    duration: Number(seconds),
    requests: [
      {
        setupRequest: (req: any, ctx: any) => {
          ctx.id = randomUUID();
          const amount = 1000 + Math.floor(Math.random() * 9000);
          return {
            ...req,
            ...command('/v1/payments', { paymentId: ctx.id, provider: 'stripe', amount, currency: 'USD', customerId: customerId() }),
          };
        },
      },
      { setupRequest: (req: any, ctx: any) => ({ ...req, ...command(`/v1/payments/${ctx.id}/processing`, {}) }) },
      {
        setupRequest: (req: any, ctx: any) => ({
          ...req,
          ...command(`/v1/payments/${ctx.id}/success`, { providerPaymentId: `pi_${ctx.id}`, processingTimeMs: 120 }),
        }),
      },
    ],
  });
  process.send?.(loadResult(result));
}

/** The dev stack's apps: its children, each named by its entry. */
function appPids(stack: number): Record<(typeof APPS)[number], number | undefined> {
  const found: Record<string, number> = {};
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]) !== stack) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const app = APPS.find((name) => args.includes(join('apps', name, 'src', 'main')));
      if (app) found[app] = Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return { 'ledger-api': found['ledger-api'], projector: found.projector, 'alert-worker': found['alert-worker'] };
}

function rssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

async function rawInsertRate(url: string): Promise<number> {
  const pool = createPool(url, { max: RAW_WRITERS });
  await pool.query(
    `CREATE TABLE IF NOT EXISTS bench_raw_system (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, k uuid NOT NULL UNIQUE, data jsonb NOT NULL)`,
  );
  const seconds = Math.min(SECONDS, 10);
  const deadline = Date.now() + seconds * 1000;
  let rows = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: RAW_WRITERS }, async () => {
      while (Date.now() < deadline) {
        await pool.query('INSERT INTO bench_raw_system (k, data) VALUES ($1, $2::jsonb)', [
          randomUUID(),
          JSON.stringify({ amount: 1999, currency: 'USD' }),
        ]);
        rows++;
      }
    }),
  );
  await pool.end();
  return rows / ((Date.now() - started) / 1000);
}

/**
 * The round-trip counter for the built stack: round-trip-counter.ts as plain JavaScript in `dir` (no TypeScript
 * hook in the apps, as under `npm start`), resolving `pg` and `ioredis` from the repository's node_modules.
 */
function builtCounter(dir: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { transformSync } = require('@swc/core') as typeof import('@swc/core');
  const source = readFileSync(join(__dirname, 'round-trip-counter.ts'), 'utf8');
  const file = join(dir, 'round-trip-counter.js');
  const code = transformSync(source, {
    filename: file,
    swcrc: false,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  }).code;
  writeFileSync(file, code);
  return file;
}

function startStack(env: Record<string, string>, dir: string): ChildProcess {
  const nodeArgs = process.env.BENCH_APP_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const entry = FROM_SOURCE
    ? [
        '--require',
        join(ROOT, 'test', 'support', 'swc-register.js'),
        '--require',
        join(__dirname, 'round-trip-counter.ts'),
        join(ROOT, 'apps', 'dev-stack', 'src', 'main.ts'),
      ]
    : ['--require', builtCounter(dir), join(DIST, 'apps', 'dev-stack', 'src', 'main.js')];
  // The stack's apps inherit its execArgv: each counts its round trips (round-trip-counter.ts).
  const stack = spawn(process.execPath, [...nodeArgs, ...entry], {
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_PATH: join(ROOT, 'node_modules'), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  stack.stdout?.resume(); // its apps' output (the demo, warnings): not the bench's
  return stack;
}

async function main(): Promise<void> {
  if (!FROM_SOURCE && !existsSync(join(DIST, 'apps', 'dev-stack', 'src', 'main.js'))) {
    throw new Error('bench:system runs the built stack, as npm start does: run `npm run build` first (or BENCH_FROM_SOURCE=1)');
  }
  const db = await benchDatabase(PG_STATEMENTS > 0 ? PG_STATEMENTS_SETTINGS : undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-bench-system-'));
  const tripDir = join(dataDir, 'round-trips');
  mkdirSync(tripDir);
  const redis = await startRedisServer({ dataDir });
  const url = `http://127.0.0.1:${PORT}`;
  const stack = startStack(
    {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      LEDGER_DATA_DIR: dataDir,
      BENCH_ROUND_TRIP_DIR: tripDir,
      HOST: '127.0.0.1',
      PORT: String(PORT),
      PROJECTOR_METRICS_PORT: '0',
      WORKER_METRICS_PORT: '0',
      RATE_LIMITS: GENEROUS_RATE_LIMITS,
    },
    dataDir,
  );
  const pool = createPool(db.url, { max: 1 });
  const { key } = await createApiKey(pool, { name: 'bench:system', scopes: ['payments:write', 'payments:read', 'dashboard:read'] });
  await pool.end();
  try {
    await waitUntilLive(url, 120_000);
    const pids = appPids(stack.pid as number);
    for (const app of APPS) if (pids[app] === undefined) throw new Error(`the dev stack runs no ${app}`);
    await forkLoad<LoadResult>(__filename, url, key, String(CONNECTIONS), String(WARMUP_SECONDS));

    const postmaster = postmasterOf(db.url);
    const cpu = () => ({
      api: cpuOf(pids['ledger-api']),
      projector: cpuOf(pids.projector),
      worker: cpuOf(pids['alert-worker']),
      db: cpuOf(postmaster, true),
    });
    const trips = roundTripsOf(tripDir, pids['ledger-api']);
    const projectorTrips = roundTripsOf(tripDir, pids.projector);
    const statPool = createPool(db.url, { max: 1, application_name: 'bench' });
    const pgClients = new PostgresCpuByClient(statPool, postmaster);
    const statements = PG_STATEMENTS > 0 ? new PostgresStatements(statPool) : undefined;
    await statements?.reset();
    await pgClients.sample();
    const before = cpu();
    const load = forkLoad<LoadResult>(__filename, url, key, String(CONNECTIONS), String(SECONDS));
    let done = false;
    let peakRss = 0;
    const lags: number[] = [];
    const watch = (async () => {
      while (!done) {
        peakRss = Math.max(peakRss, rssMb(pids['ledger-api']));
        await pgClients.sample();
        const res = await fetch(`${url}/v1/dashboard/projections`, { headers: { authorization: `Bearer ${key}` } }).catch(() => undefined);
        if (res?.ok) {
          const states = (await res.json()) as { lag: { secondsBehind: number } }[];
          lags.push(Math.max(0, ...states.map((s) => s.lag.secondsBehind)));
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const result = await load;
    done = true;
    await watch;
    const after = cpu();
    await pgClients.sample();
    const pgByClient = pgClients.byClient();
    const served = Math.max(1, result.requests - result.non2xx);
    const statementLines = (await statements?.report(served, PG_STATEMENTS)) ?? [];
    await statPool.end();
    await new Promise((r) => setTimeout(r, 1500)); // the counters' next write
    const tripsAfter = roundTripsOf(tripDir, pids['ledger-api']);
    const projectorTripsAfter = roundTripsOf(tripDir, pids.projector);
    const load1 = loadavg()[0];
    const perCommand = (k: keyof typeof before) => (((after[k] - before[k]) * 1000) / served).toFixed(2);
    const alive = APPS.filter((app) => cpuOf(pids[app]) > 0);
    await stopApp(stack);
    const inserts = await rawInsertRate(db.url);
    const rate = served / result.seconds;
    const sortedLags = [...lags].sort((a, b) => a - b);

    console.log(
      `bench:system — the stack ${FROM_SOURCE ? 'from source (swc-register)' : 'built (dist, as npm start)'}, ${cpus().length} cores, ${CONNECTIONS} connections, ${CUSTOMERS > 0 ? `${CUSTOMERS} customers` : 'one customer'}, ${SECONDS}s (after ${WARMUP_SECONDS}s warm-up), ` +
        `load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')} (1-min ${load1.toFixed(2)} at the end of the load); apps running: ${alive.join(', ')}`,
    );
    console.log('| commands/s (2xx) | non-2xx or errors | p50 | p99 | CPU ms per command: API / projector / alert worker / PostgreSQL |');
    console.log('|---:|---:|---:|---:|---:|');
    console.log(
      `| ${rate.toFixed(0)} | ${result.non2xx} | ${result.p50} ms | ${result.p99} ms | ${perCommand('api')} / ${perCommand('projector')} / ${perCommand('worker')} / ${perCommand('db')} |`,
    );
    console.log(
      `round trips per command sent by the API (the watcher's reads included): ${((tripsAfter.pg - trips.pg) / served).toFixed(2)} PostgreSQL, ` +
        `${((tripsAfter.redis - trips.redis) / served).toFixed(2)} Redis; by the projector: ${((projectorTripsAfter.pg - projectorTrips.pg) / served).toFixed(2)} PostgreSQL`,
    );
    console.log(
      `PostgreSQL CPU ms per command by client (application_name): ${[...pgByClient]
        .filter(([client]) => client !== 'bench')
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([client, seconds]) => `${client} ${((seconds * 1000) / served).toFixed(2)}`)
        .join(' / ')}`,
    );
    console.log(
      `API peak RSS: ${peakRss.toFixed(0)} MB; projection lag p99 during the load: ${percentile(sortedLags, 99)} s (${lags.length} samples)`,
    );
    console.log(
      `raw single-row INSERT transactions/s, same DB, ${RAW_WRITERS} writers: ${inserts.toFixed(0)}; ratio commands/INSERTs: ${(rate / inserts).toFixed(3)}`,
    );
    if (statementLines.length > 0)
      console.log(`PostgreSQL by statement during the load (pg_stat_statements):\n${statementLines.join('\n')}`);
  } finally {
    await stopApp(stack);
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await db.stop();
  }
}

runBench(main, async (url, key) => load(url, key, process.argv[5], process.argv[6]));
