import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PostgresEventStore } from '@ledger/event-store';
import { projectionStatus } from '@ledger/projections';
import { createPool } from '../../libs/platform/src';
import { apiWorkerPids, startSystem, type System } from './system';
import { Workload } from './workload';

/** Issue 16: no Node process of the ledger may grow its RSS by more than this between minute 5 and the end. */
const RSS_GROWTH_LIMIT = 0.1;
const LAG_P99_LIMIT_S = 1;
const WARM_UP_MINUTE = 5;
/**
 * RSS is read this often and each minute keeps its peak: a Node heap breathes by tens of MB between
 * collections, so one reading a minute would compare a trough with a crest. A leak raises the peaks.
 */
const RSS_SAMPLE_MS = 5_000;

function rssMb(pid: number): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The ledger's Node processes by name (the API's primary and each worker), plus PostgreSQL's postmaster and Redis. */
function processes(system: System): Record<string, number> {
  const out: Record<string, number> = { 'ledger-api (primary)': system.api.pid };
  apiWorkerPids(system.api).forEach((pid, i) => (out[`ledger-api worker ${i + 1}`] = pid));
  for (const p of system.projectors) out[p.name] = p.pid;
  out['alert-worker'] = system.alertWorker.pid;
  return out;
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  const num = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0);
  const den = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/**
 * Closed loop, many clients, no faults: what the API answers per second on this machine right now.
 * Warmed up first (every app compiled and connected), then counted by answers received in the window.
 */
async function measureCeiling(system: System, seconds: number): Promise<number> {
  const probe = new Workload({ baseUrl: system.baseUrl, apiKey: system.apiKey, seed: 999, clients: 24 });
  probe.start();
  const warm = Date.now() + 120_000;
  while (Date.now() < warm && probe.history.filter((o) => o.outcome === 'ok').length < 50) await new Promise((r) => setTimeout(r, 500));
  const from = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const to = Date.now();
  await probe.stop();
  const ok = probe.history.filter((o) => o.outcome === 'ok' && o.attempts.at(-1)!.at >= from && o.attempts.at(-1)!.at <= to).length;
  return ok / ((to - from) / 1000);
}

export async function runSoak(minutes: number, rate: number | undefined, log: (l: string) => void) {
  const system = await startSystem();
  const pool = createPool(system.pg.url, { max: 2 });
  const store = new PostgresEventStore(pool);
  const load: number[] = [loadavg()[0]];
  try {
    const ceiling = rate === undefined ? await measureCeiling(system, 60) : undefined;
    const target = rate ?? Math.max(1, Math.floor(ceiling! / 2));
    log(
      `${ceiling === undefined ? '' : `measured ceiling ${ceiling.toFixed(0)} ops/s; `}steady load at ${target} ops/s for ${minutes} min`,
    );
    const workload = new Workload({ baseUrl: system.baseUrl, apiKey: system.apiKey, seed: 7, clients: 32, opsPerSecond: target });
    const started = Date.now();
    const lags: number[] = [];
    let sampling = true;
    const lagLoop = (async () => {
      while (sampling) {
        const statuses = await projectionStatus(pool, store).catch(() => []);
        if (statuses.length) lags.push(Math.max(...statuses.map((s) => s.lag.secondsBehind)));
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    const samples: { minute: number; rss: Record<string, number>; tables: Record<string, number>; ops: number; load: number }[] = [];
    const pids = processes(system);
    workload.start();
    for (let minute = 1; minute <= minutes; minute++) {
      const rss: Record<string, number> = {};
      for (let at = Date.now(); at < started + minute * 60_000; at = Date.now()) {
        for (const [name, pid] of Object.entries(pids)) rss[name] = Math.max(rss[name] ?? 0, rssMb(pid) ?? NaN);
        await new Promise((r) => setTimeout(r, Math.min(RSS_SAMPLE_MS, started + minute * 60_000 - at)));
      }
      const { rows } = await pool.query<{ name: string; bytes: string }>(
        `SELECT n.nspname || '.' || c.relname AS name, pg_total_relation_size(c.oid)::text AS bytes
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('event_store', 'ledger', 'read_models', 'monitoring')`,
      );
      const tables = Object.fromEntries(rows.map((r) => [r.name, Number(r.bytes) / 1024 / 1024]));
      const ops = workload.history.filter((o) => o.outcome === 'ok').length;
      samples.push({ minute, rss, tables, ops, load: loadavg()[0] });
      log(
        `minute ${minute}: ${ops} ops acknowledged, load ${loadavg()[0].toFixed(2)}, RSS ${Object.entries(rss)
          .map(([k, v]) => `${k} ${v.toFixed(0)}`)
          .join(', ')} MB; events ${(tables['event_store.events'] ?? 0).toFixed(1)} MB`,
      );
    }
    await workload.stop();
    sampling = false;
    await lagLoop;
    load.push(loadavg()[0]);
    const seconds = (Date.now() - started) / 1000;
    const acked = workload.history.filter((o) => o.outcome === 'ok').length;
    const failed = workload.history.filter((o) => o.outcome !== 'ok' && o.outcome !== 'refused').length;
    const sorted = [...lags].sort((a, b) => a - b);
    const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    const from = samples.find((s) => s.minute === Math.min(WARM_UP_MINUTE, minutes))!;
    const last = samples[samples.length - 1];
    const lines = [
      `soak ${minutes} min, ${new Date().toISOString()}; target ${target} ops/s${ceiling === undefined ? '' : ` (half the measured ceiling ${ceiling.toFixed(0)} ops/s)`}; load average ${load.map((l) => l.toFixed(2)).join(' → ')}`,
      `acknowledged ${acked} operations (${(acked / seconds).toFixed(1)}/s), unknown ${failed}`,
      `projection lag p50 ${p(0.5).toFixed(2)} s, p99 ${p(0.99).toFixed(2)} s, max ${p(1).toFixed(2)} s over ${lags.length} samples (limit p99 ≤ ${LAG_P99_LIMIT_S} s)`,
      `| process | peak RSS min ${from.minute} (MB) | peak RSS last minute (MB) | growth | slope min ${from.minute}→end (MB/min) |`,
      '|---|---:|---:|---:|---:|',
    ];
    let ok = p(0.99) <= LAG_P99_LIMIT_S && failed === 0;
    const window = samples.filter((s) => s.minute >= from.minute);
    for (const name of Object.keys(pids)) {
      const growth = last.rss[name] / from.rss[name] - 1;
      if (!(growth <= RSS_GROWTH_LIMIT)) ok = false;
      const s = slope(
        window.map((w) => w.minute),
        window.map((w) => w.rss[name]),
      );
      lines.push(
        `| ${name} | ${from.rss[name].toFixed(1)} | ${last.rss[name].toFixed(1)} | ${(growth * 100).toFixed(1)} % | ${s.toFixed(2)} |`,
      );
    }
    lines.push('| table | size min 1 (MB) | size end (MB) | slope (MB/min) |', '|---|---:|---:|---:|');
    for (const name of Object.keys(last.tables).sort()) {
      if (last.tables[name] < 0.1) continue;
      const s = slope(
        samples.map((w) => w.minute),
        samples.map((w) => w.tables[name] ?? 0),
      );
      lines.push(`| ${name} | ${(samples[0].tables[name] ?? 0).toFixed(2)} | ${last.tables[name].toFixed(2)} | ${s.toFixed(3)} |`);
    }
    lines.push(ok ? 'PASS' : 'FAIL');
    const summary = `${lines.join('\n')}\n`;
    writeFileSync(join(system.dir, 'soak.txt'), summary);
    writeFileSync(join(system.dir, 'soak-samples.json'), JSON.stringify({ samples, lags }));
    return { ok, summary, dir: system.dir };
  } finally {
    await store.close().catch(() => undefined);
    await pool.end();
    await system.stop();
  }
}

if (require.main === module) {
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '30' }, rate: { type: 'string' } } });
  runSoak(Number(values.minutes), values.rate === undefined ? undefined : Number(values.rate), (l) =>
    process.stdout.write(`[soak] ${l}\n`),
  ).then(
    ({ ok, summary, dir }) => {
      process.stdout.write(`\n${summary}(samples and logs in ${dir})\n`);
      process.exit(ok ? 0 : 1);
    },
    (error: Error) => {
      process.stderr.write(`soak: ${error.stack}\n`);
      process.exit(2);
    },
  );
}
