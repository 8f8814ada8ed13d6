import { rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { check, type Invariant } from './checker';
import { inject, schedule, type InjectedFault } from './faults';
import { startSystem } from './system';
import { Workload, type Op } from './workload';

/**
 * `npm run chaos -- --seed N --minutes M`: the whole system under a mixed workload while a
 * seeded schedule stops PostgreSQL, kills Redis, the API's workers, the active projector and
 * the alert-worker, and stalls a transaction; then the checker. Exit 0 when every invariant held.
 */
export async function runChaos(seed: number, minutes: number, log: (l: string) => void = (l) => process.stdout.write(`[chaos] ${l}\n`)) {
  const started = Date.now();
  const load = [loadavg()[0]];
  log(`seed ${seed}, ${minutes} min; starting the system…`);
  const system = await startSystem();
  log(`system up in ${((Date.now() - started) / 1000).toFixed(0)} s (data in ${system.dir})`);
  const workload = new Workload({ baseUrl: system.baseUrl, apiKey: system.apiKey, seed, clients: 6 });
  let faults: InjectedFault[];
  let result: Awaited<ReturnType<typeof check>> | undefined;
  try {
    workload.start();
    const faultMs = minutes * 60_000;
    const until = Date.now() + faultMs;
    faults = await inject(system, schedule(seed, faultMs), log, until);
    const rest = until - Date.now();
    if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    load.push(loadavg()[0]);
    log('faults over; letting the clients finish what they were doing…');
    await workload.stop();
    result = await check(system, workload.history, faults, log);
    load.push(loadavg()[0]);
  } finally {
    await system.stop().catch((e: Error) => log(`stopping: ${e.message}`));
  }
  const checked = result;
  const summary = summarise(seed, minutes, workload.history, faults, checked.rules, {
    ...checked,
    seconds: (Date.now() - started) / 1000,
    load,
  });
  writeFileSync(join(system.dir, 'summary.txt'), summary);
  writeFileSync(join(system.dir, 'history.json'), JSON.stringify({ faults, history: workload.history }));
  return { ok: checked.rules.every((r) => r.ok), summary, dir: system.dir };
}

function summarise(
  seed: number,
  minutes: number,
  history: readonly Op[],
  faults: readonly InjectedFault[],
  rules: readonly Invariant[],
  stats: { events: number; payments: number; seconds: number; load: number[] },
): string {
  const by = (key: (o: Op) => string) => {
    const m = new Map<string, number>();
    for (const o of history) m.set(key(o), (m.get(key(o)) ?? 0) + 1);
    return [...m].map(([k, v]) => `${k} ${v}`).join(', ');
  };
  const retried = history.filter((o) => o.attempts.length > 1).length;
  const lines = [
    `chaos seed ${seed}, ${minutes} min, ${stats.seconds.toFixed(0)} s in all; load average ${stats.load.map((l) => l.toFixed(2)).join(' → ')}`,
    `operations ${history.length}: ${by((o) => o.outcome ?? 'unfinished')}; retried ${retried}`,
    `  by source: ${by((o) => o.source)}`,
    `store: ${stats.events} events in ${stats.payments} payments`,
    `faults ${faults.length}: ${[...new Set(faults.map((f) => f.kind))].map((k) => `${k} ×${faults.filter((f) => f.kind === k).length}`).join(', ')}`,
    'invariants:',
    ...rules.map(
      (r) =>
        `  ${r.ok ? 'held  ' : 'BROKEN'} ${r.name} (${r.checked})${r.ok ? '' : `\n         first counterexample: ${r.counterexample ?? '-'}`}`,
    ),
    rules.every((r) => r.ok) ? 'PASS' : 'FAIL',
  ];
  return `${lines.join('\n')}\n`;
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      minutes: { type: 'string', default: '5' },
      keep: { type: 'boolean', default: false },
    },
  });
  runChaos(Number(values.seed), Number(values.minutes)).then(
    ({ ok, summary, dir }) => {
      // A passing run's data dir (its PostgreSQL cluster, Redis, logs) goes unless --keep; a failing one stays for the post-mortem.
      if (ok && !values.keep) rmSync(dir, { recursive: true, force: true });
      process.stdout.write(`\n${summary}${ok && !values.keep ? '' : `(history and logs in ${dir})\n`}`);
      process.exit(ok ? 0 : 1);
    },
    (error: Error) => {
      process.stderr.write(`chaos: ${error.stack}\n`);
      process.exit(2);
    },
  );
}
