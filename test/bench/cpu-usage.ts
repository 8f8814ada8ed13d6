import { readdirSync, readFileSync } from 'node:fs';
import type { Pool } from 'pg';

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used, from /proc (Linux only; 0 elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function children(ppid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]) === ppid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** The postmaster listening on this port (the embedded PostgreSQL runs as `postgres -D … -p <port>`). */
export function postmasterOf(databaseUrl: string): number | undefined {
  const port = new URL(databaseUrl).port;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args[0].endsWith('/postgres') && args[args.indexOf('-p') + 1] === port) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/**
 * CPU seconds used by a process and, for a postmaster, its live backends. On a shared machine the
 * throughput moves with the neighbours' load; the CPU a command costs moves much less.
 */
export function cpuOf(pid: number | undefined, withChildren = false): number {
  if (pid === undefined) return 0;
  return cpuSeconds(pid) + (withChildren ? children(pid).reduce((sum, child) => sum + cpuSeconds(child), 0) : 0);
}

/**
 * PostgreSQL's CPU by client over a window, from its backends' /proc counters summed by their clients'
 * `application_name` (each app names its pools), the server's own processes (WAL writer, checkpointer,
 * autovacuum…) as `(server)`. Sampled (`sample()`, e.g. twice a second) so that a backend a pool opens and closes
 * within the window counts too: one that starts counts from zero, one that ends keeps its last sample.
 */
export class PostgresCpuByClient {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, { client: string; cpu: number }>();
  private started = false;

  constructor(
    private readonly pool: Pick<Pool, 'query'>,
    private readonly postmaster: number | undefined,
  ) {}

  async sample(): Promise<void> {
    const { rows } = await this.pool.query<{ pid: number; client: string }>(
      `SELECT pid, CASE WHEN backend_type = 'client backend' THEN coalesce(nullif(application_name, ''), '(unnamed)') ELSE '(server)' END AS client
         FROM pg_stat_activity WHERE pid <> pg_backend_pid()`,
    );
    const named = new Map(rows.map((row) => [row.pid, row.client]));
    for (const pid of this.postmaster === undefined ? [] : children(this.postmaster)) {
      const cpu = cpuSeconds(pid);
      if (!this.first.has(pid)) this.first.set(pid, this.started ? 0 : cpu);
      this.last.set(pid, { client: named.get(pid) ?? this.last.get(pid)?.client ?? '(server)', cpu });
    }
    this.started = true;
  }

  /** CPU seconds per client between the first sample and the last. */
  byClient(): Map<string, number> {
    const sums = new Map<string, number>();
    for (const [pid, { client, cpu }] of this.last) sums.set(client, (sums.get(client) ?? 0) + cpu - (this.first.get(pid) ?? cpu));
    return sums;
  }
}
