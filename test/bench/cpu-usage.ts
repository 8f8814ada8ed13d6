import { readdirSync, readFileSync } from 'node:fs';

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
