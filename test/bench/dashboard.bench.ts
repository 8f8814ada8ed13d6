/**
 * `npm run bench:dashboard -- 1000000 5000000`: for each size, that many payment
 * events straight into the PostgreSQL store (test/bench/payment-events.ts), every
 * projection rebuilt (`rebuildProjection`), then each `DashboardQueries` call and
 * the whole `GET /v1/dashboard/payments` over real HTTP (the API as its own
 * process) timed, p50 / p99 over BENCH_CALLS (300) calls after a warm-up.
 *
 * Server: BENCH_DATABASE_URL (a disposable server; one database per size is
 * created in it), else an embedded PostgreSQL with fsync off, in BENCH_DATA_DIR
 * when given, else in a temporary directory. With BENCH_DATA_DIR or BENCH_KEEP=1
 * the databases `bench_dashboard_<size>` are kept and reused: a re-run only adds
 * the missing events and rebuilds only projections that are not at the head
 * (BENCH_REBUILD=a,b rebuilds these anyway; BENCH_SEED_ONLY=1 stops before timing).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type Pool } from 'pg';
import { PostgresEventStore } from '@ledger/event-store';
import { createApiKey } from '@ledger/security';
import { DashboardQueries, PROJECTIONS, measureLag, readCheckpoint, rebuildProjection } from '@ledger/projections';
import { createPool, runMigrations, startEmbeddedPostgres, startRedisServer, withDatabase } from '../../libs/platform/src';
import { percentile } from './bench-db';
import { generate } from './payment-events';
import { GENEROUS_RATE_LIMITS, startApp, stopApp, waitUntilLive } from './processes';

const SIZES = process.argv.slice(2).map(Number).filter(Boolean);
const CALLS = Number(process.env.BENCH_CALLS ?? 300);
const WARMUP = 20;
const TARGET_P99_MS = 25;
const SUSPICIOUS = { USD: 100_000, JPY: 50_000 };
const NOW = new Date('2025-11-21T12:00:00Z');
const FORCE_REBUILD = new Set((process.env.BENCH_REBUILD ?? '').split(',').filter(Boolean));
const SEED_ONLY = process.env.BENCH_SEED_ONLY === '1';
const KEEP = Boolean(process.env.BENCH_DATA_DIR) || process.env.BENCH_KEEP === '1';

interface Row {
  label: string;
  p50: number;
  p99: number;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const sizes = SIZES.length > 0 ? SIZES : [1_000_000, 5_000_000];
  const dataDir = process.env.BENCH_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'bench-dashboard-'));
  mkdirSync(dataDir, { recursive: true });
  chmodSync(dataDir, 0o755);
  const server = process.env.BENCH_DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir, fast: true });
  const serverUrl = process.env.BENCH_DATABASE_URL ?? server!.url;
  const redisDir = mkdtempSync(join(tmpdir(), 'bench-dashboard-redis-'));
  const redis = await startRedisServer({ dataDir: redisDir });
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  const results: { size: number; events: number; rows: Row[]; loadBefore: string; loadAfter: string }[] = [];
  try {
    for (const size of sizes) {
      const name = `bench_dashboard_${size}`;
      const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
      if (!exists) await admin.query(`CREATE DATABASE ${name}`);
      const url = withDatabase(serverUrl, name);
      try {
        results.push(await benchSize(size, url, redis.url));
      } finally {
        if (!KEEP) await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      }
    }
  } finally {
    await admin.end();
    await redis.stop();
    rmSync(redisDir, { recursive: true, force: true });
    await server?.stop();
    if (!KEEP && !process.env.BENCH_DATABASE_URL) rmSync(dataDir, { recursive: true, force: true });
  }
  for (const r of results) {
    console.log(
      `\nbench:dashboard — ${r.events.toLocaleString('en')} events, ${CALLS} calls each, load average ${r.loadBefore} → ${r.loadAfter}`,
    );
    console.log('| query | p50 | p99 | p99 ≤ 25 ms |');
    console.log('|---|---:|---:|---|');
    for (const row of r.rows) {
      console.log(
        `| ${row.label} | ${row.p50.toFixed(1)} ms | ${row.p99.toFixed(1)} ms | ${row.p99 <= TARGET_P99_MS ? 'met' : 'MISSED'} |`,
      );
    }
  }
}

async function benchSize(size: number, url: string, redisUrl: string) {
  await runMigrations(url);
  const pool = createPool(url, { max: 10 });
  const store = new PostgresEventStore(pool);
  try {
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM event_store.events WHERE revision = 0`);
    const have = Number(rows[0].n);
    if (have < Math.ceil(size / 4)) {
      const t = Date.now();
      await generate(pool, size, have + 1);
      console.error(`[${size}] generated payments ${have + 1}… in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    const events = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events')).rows[0].n);
    for (const projection of Object.keys(PROJECTIONS)) {
      const checkpoint = await readCheckpoint(pool, projection);
      const atHead = (await measureLag(store, checkpoint.position, new Date(), 1)).positionsBehind === 0;
      if (atHead && !FORCE_REBUILD.has(projection)) continue;
      const t = Date.now();
      const result = await rebuildProjection(projection, { pool, store, chunkSize: 5000 });
      const seconds = (Date.now() - t) / 1000;
      console.error(`[${size}] rebuilt ${projection}: ${result.eventsDone} events in ${seconds.toFixed(1)} s`);
    }
    await pool.query('VACUUM ANALYZE');
    if (SEED_ONLY) return { size, events, rows: [], loadBefore: load(), loadAfter: load() };
    const loadBefore = load();
    const rowsOut = [...(await timeQueries(pool, store)), ...(await timeHttp(url, redisUrl, pool))];
    return { size, events, rows: rowsOut, loadBefore, loadAfter: load() };
  } finally {
    await pool.end();
  }
}

async function timeQueries(pool: Pool, store: PostgresEventStore): Promise<Row[]> {
  const q = new DashboardQueries(pool, { store, suspiciousAmounts: SUSPICIOUS, clock: () => NOW });
  const stripeUSD = { provider: 'stripe', currency: 'USD' } as const;
  // The generator's stripe USD payments all fail: (stripe, JPY) is the filter with succeeded volume and a threshold.
  const stripeJPY = { provider: 'stripe', currency: 'JPY' } as const;
  const month = { from: new Date('2025-11-01T00:00:00Z'), to: new Date('2025-12-01T00:00:00Z') };
  const calls: Record<string, () => Promise<unknown>> = {
    // The machine's own noise: a round trip that does no work, timed the same way.
    'SELECT 1 (noise floor)': () => pool.query('SELECT 1'),
    metrics: () => q.metrics(),
    'metrics (stripe, USD)': () => q.metrics(stripeUSD),
    'metrics (stripe, JPY)': () => q.metrics(stripeJPY),
    'metrics (paystack)': () => q.metrics({ provider: 'paystack' }),
    breakdown: () => q.breakdown(),
    'breakdown (stripe, USD)': () => q.breakdown(stripeUSD),
    'volume, hourly, 30 days': () => q.volumeOverTime({ granularity: 'hour', ...month }),
    'volume, hourly, 30 days (stripe)': () => q.volumeOverTime({ granularity: 'hour', ...month, provider: 'stripe' }),
    'volume, hourly, 30 days (stripe, JPY)': () => q.volumeOverTime({ granularity: 'hour', ...month, ...stripeJPY }),
    'volume, daily': () => q.volumeOverTime({ granularity: 'day' }),
    'recent events': () => q.recentEvents(50),
    'recent events (paystack)': () => q.recentEvents(50, { provider: 'paystack' }),
    'recent events (stripe, USD)': () => q.recentEvents(50, stripeUSD),
    'failed payments': () => q.failedPayments(20),
    'failed payments (stripe, USD)': () => q.failedPayments(20, stripeUSD),
    errors: () => q.errors(),
    'errors (stripe, USD)': () => q.errors(stripeUSD),
    health: () => q.health(),
    'health (stripe)': () => q.health(NOW, { provider: 'stripe' }),
    lag: () => q.lag(),
    'payments() — whole dashboard': () => q.payments(),
    'payments() (stripe, USD)': () => q.payments(stripeUSD),
  };
  const rows: Row[] = [];
  for (const [label, call] of Object.entries(calls)) rows.push({ label, ...(await time(call)) });
  return rows;
}

/** The whole dashboard over HTTP: the API as its own process, as in production. */
async function timeHttp(url: string, redisUrl: string, pool: Pool): Promise<Row[]> {
  const port = 3900 + Math.floor(Math.random() * 90);
  const base = `http://127.0.0.1:${port}`;
  const api = startApp('apps/ledger-api/src/main.ts', {
    DATABASE_URL: url,
    REDIS_URL: redisUrl,
    PORT: String(port),
    API_WORKERS: '1',
    RATE_LIMITS: GENEROUS_RATE_LIMITS,
    SUSPICIOUS_AMOUNTS: Object.entries(SUSPICIOUS)
      .map(([c, v]) => `${c}=${v}`)
      .join(','),
  });
  try {
    await waitUntilLive(base, 60_000);
    const { key } = await createApiKey(pool, { name: `bench-dashboard-${Date.now()}`, scopes: ['dashboard:read'] });
    const get = (path: string) => async () => {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    return [
      { label: 'GET /v1/dashboard/payments', ...(await time(get('/v1/dashboard/payments'))) },
      {
        label: 'GET /v1/dashboard/payments?provider=stripe&currency=USD',
        ...(await time(get('/v1/dashboard/payments?provider=stripe&currency=USD'))),
      },
    ];
  } finally {
    await stopApp(api);
  }
}

async function time(call: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < WARMUP; i++) await call();
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const s = process.hrtime.bigint();
    await call();
    times.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
