/**
 * node --require ./test/support/swc-register.js test/bench/projections.bench.ts [events …]
 * (default: 200000 1000000 5000000). For each size: that many payment events
 * straight into a fresh database of the PostgreSQL store, then every projection
 * rebuilt from zero into new tables and swapped in (events/s, longest rebuild
 * transaction, load average). Dashboard query timings are bench:dashboard's.
 * Uses DATABASE_URL when set, else a throwaway embedded PostgreSQL (fsync off).
 */
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PostgresEventStore } from '@ledger/event-store';
import { createPool, runMigrations, startEmbeddedPostgres, withDatabase } from '@ledger/platform';
import { PROJECTIONS, rebuildProjection } from '@ledger/projections';

const SIZES = process.argv.slice(2).length > 0 ? process.argv.slice(2).map(Number) : [200_000, 1_000_000, 5_000_000];

interface Row {
  events: number;
  projection: string;
  seconds: number;
  eventsPerSecond: number;
  longestTransactionMs: number;
  /** CPU seconds of this process and of the whole embedded PostgreSQL: a loaded machine stretches the wall clock, not these. */
  nodeCpu: number;
  pgCpu: number | undefined;
  load: string;
}

/** CPU seconds used so far by an embedded PostgreSQL: the postmaster, its live children, and its exited children. */
function postgresCpu(pgdata: string | undefined): number | undefined {
  if (!pgdata) return undefined;
  const ticks = (pid: string): number[] => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
  };
  try {
    const postmaster = readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0];
    const own = ticks(postmaster);
    let total = own[11] + own[12] + own[13] + own[14];
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const f = ticks(pid);
        if (String(f[1]) === postmaster) total += f[11] + f[12];
      } catch {
        // gone meanwhile
      }
    }
    return total / 100;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  if (SIZES.some((n) => !Number.isSafeInteger(n) || n <= 0)) throw new Error(`sizes must be positive integers: ${SIZES.join(' ')}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-'));
  chmodSync(dataDir, 0o755);
  const server = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir, fast: true });
  const admin = new Client({ connectionString: process.env.DATABASE_URL ?? server!.url });
  await admin.connect();
  const table: Row[] = [];
  try {
    const pgdata = server ? join(dataDir, 'postgres', 'pgdata') : undefined;
    for (const total of SIZES) table.push(...(await atSize(admin, process.env.DATABASE_URL ?? server!.url, total, pgdata)));
  } finally {
    await admin.end();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(
    '\n| events | projection | time | events/s | longest transaction | CPU s (node + PostgreSQL) | events per CPU s | load average (1/5/15) |',
  );
  console.log('|---:|---|---:|---:|---:|---:|---:|---|');
  for (const r of table) {
    const cpu = r.nodeCpu + (r.pgCpu ?? 0);
    console.log(
      `| ${r.events.toLocaleString('en')} | \`${r.projection}\` | ${r.seconds.toFixed(1)} s | ${r.eventsPerSecond.toLocaleString('en')} | ` +
        `${(r.longestTransactionMs / 1000).toFixed(2)} s | ${r.nodeCpu.toFixed(1)} + ${r.pgCpu?.toFixed(1) ?? '?'} | ` +
        `${Math.round(r.events / cpu).toLocaleString('en')} | ${r.load} |`,
    );
  }
}

async function atSize(admin: Client, serverUrl: string, total: number, pgdata: string | undefined): Promise<Row[]> {
  const name = `bench_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = withDatabase(serverUrl, name);
  const rows: Row[] = [];
  const pool = createPool(url, { max: 10 });
  try {
    await runMigrations(url);
    const store = new PostgresEventStore(pool);
    let t = Date.now();
    await generate(pool, total);
    await pool.query('VACUUM ANALYZE event_store.events');
    console.log(`generated ${total} events in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    for (const projection of Object.keys(PROJECTIONS)) {
      t = Date.now();
      const cpu0 = process.cpuUsage();
      const pg0 = postgresCpu(pgdata);
      const result = await rebuildProjection(projection, { pool, store });
      const seconds = (Date.now() - t) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const pg1 = postgresCpu(pgdata);
      const row: Row = {
        events: total,
        projection,
        seconds,
        eventsPerSecond: Math.round(result.eventsDone / seconds),
        longestTransactionMs: result.longestTransactionMs,
        nodeCpu: (cpu.user + cpu.system) / 1e6,
        pgCpu: pg0 === undefined || pg1 === undefined ? undefined : pg1 - pg0,
        load: loadavg()
          .map((l) => l.toFixed(2))
          .join(' / '),
      };
      if (result.eventsDone !== total) throw new Error(`rebuild ${projection} applied ${result.eventsDone} of ${total} events`);
      rows.push(row);
      console.log(
        `rebuild ${projection}: ${result.eventsDone} events in ${seconds.toFixed(1)} s = ${row.eventsPerSecond} events/s ` +
          `(longest transaction ${row.longestTransactionMs} ms, CPU ${row.nodeCpu.toFixed(1)} s node + ${row.pgCpu?.toFixed(1)} s PostgreSQL, load ${row.load})`,
      );
    }
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
  }
  return rows;
}

/** ~4 events per payment (created, processing, succeeded or failed, some refunds), in SQL, 50k payments per transaction. */
async function generate(pool: ReturnType<typeof createPool>, total: number): Promise<void> {
  const payments = Math.ceil(total / 3.9);
  for (let from = 0; from < payments; from += 50_000) {
    await pool.query(
      `
      WITH p AS (
        SELECT g AS n, md5(g::text) AS id, CASE WHEN g % 2 = 0 THEN 'stripe' ELSE 'paystack' END AS provider,
               (ARRAY['USD','EUR','JPY','KWD','NGN'])[1 + g % 5] AS currency, 1 + (g * 7919) % 200000 AS amount,
               timestamptz '2025-11-01T00:00:00Z' + (g % 43200) * interval '1 minute' AS t
          FROM generate_series($1::int, $2::int) g),
      e AS (
        SELECT n, id, 0 AS rev, 'PaymentCreated' AS type, jsonb_build_object('paymentId', id, 'provider', provider, 'amount', amount, 'currency', currency, 'createdAt', t) AS data, t FROM p
        UNION ALL SELECT n, id, 1, 'PaymentProcessing', jsonb_build_object('paymentId', id, 'startedAt', t + interval '1 s'), t FROM p
        UNION ALL SELECT n, id, 2, CASE WHEN n % 10 = 0 THEN 'PaymentFailed' ELSE 'PaymentSucceeded' END,
          CASE WHEN n % 10 = 0 THEN jsonb_build_object('paymentId', id, 'errorCode', 'card_declined', 'failedAt', t + interval '3 s')
               ELSE jsonb_build_object('paymentId', id, 'amount', amount, 'currency', currency, 'processingTimeMs', n % 4000, 'succeededAt', t + interval '3 s') END, t FROM p
        UNION ALL SELECT n, id, 3, 'PaymentRefunded', jsonb_build_object('paymentId', id, 'refundId', 're_1', 'amount', 1, 'currency', currency, 'totalRefunded', 1, 'refundedAt', t + interval '1 h'), t FROM p WHERE n % 10 <> 0)
      INSERT INTO event_store.events (stream_id, revision, event_id, event_type, data, metadata)
      SELECT 'payment-' || id, rev, gen_random_uuid(), type, data,
             jsonb_build_object('correlationId', id, 'actor', 'key_bench', 'schemaVersion', 1, 'occurredAt', t)
        FROM e ORDER BY n, rev LIMIT $3`,
      [from + 1, Math.min(from + 50_000, payments), total - from * 3.9],
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
