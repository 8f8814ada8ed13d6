import { readFileSync, writeFile } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { Redis } from 'ioredis';

/**
 * Loaded into a benchmarked app (`--require` after swc-register, with BENCH_ROUND_TRIP_DIR set): counts the
 * PostgreSQL queries (client.query: one round trip each, a multi-statement one included) and Redis commands the
 * process sends, and writes them to `<dir>/<pid>.json` once a second when they moved (asynchronously: a
 * synchronous write every 250 ms stood for 2-6 % of the profiled busy time of the API and the projector). Load-independent, unlike CPU or
 * throughput on a shared machine: the per-command cost in round trips. Without the variable it does nothing.
 */
const dir = process.env.BENCH_ROUND_TRIP_DIR;
if (dir) {
  const counts = { pg: 0, redis: 0 };
  const query = Client.prototype.query as (...args: unknown[]) => unknown;
  Client.prototype.query = function (this: Client, ...args: unknown[]) {
    counts.pg++;
    return query.apply(this, args);
  } as typeof Client.prototype.query;
  const send = Redis.prototype.sendCommand as (...args: unknown[]) => unknown;
  Redis.prototype.sendCommand = function (this: Redis, ...args: unknown[]) {
    counts.redis++;
    return send.apply(this, args);
  };
  let written = '';
  setInterval(() => {
    const now = JSON.stringify(counts);
    if (now === written) return;
    written = now;
    writeFile(join(dir, `${process.pid}.json`), now, () => undefined);
  }, 1000).unref();
}

/** What the counter of process `pid` last wrote; zeros before its first write. */
export function roundTripsOf(directory: string, pid: number | undefined): { pg: number; redis: number } {
  try {
    return JSON.parse(readFileSync(join(directory, `${pid}.json`), 'utf8')) as { pg: number; redis: number };
  } catch {
    return { pg: 0, redis: 0 };
  }
}
