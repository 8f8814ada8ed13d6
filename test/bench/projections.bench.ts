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
import { generate } from './payment-events';

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
    // The shared generator writes whole payments (~4 events each), so the count is close to, not exactly, the size asked.
    const generated = Number((await pool.query('SELECT count(*) AS n FROM event_store.events')).rows[0].n);
    console.log(`generated ${generated} events in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    for (const projection of Object.keys(PROJECTIONS)) {
      t = Date.now();
      const cpu0 = process.cpuUsage();
      const pg0 = postgresCpu(pgdata);
      const result = await rebuildProjection(projection, { pool, store });
      const seconds = (Date.now() - t) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const pg1 = postgresCpu(pgdata);
      const row: Row = {
        events: generated,
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
      if (result.eventsDone !== generated) throw new Error(`rebuild ${projection} applied ${result.eventsDone} of ${generated} events`);
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

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
