import { rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EventStoreDbEventStore, PostgresEventStore, type EventStore } from '@ledger/event-store';
import { createPool } from '../../libs/platform/src';
import { check, type Invariant } from './checker';
import { EsdbCluster } from './esdb-cluster';
import { ESDB_FAULT_KINDS, FAULT_KINDS, inject, schedule, type InjectedFault } from './faults';
import { startSystem, type SystemOptions } from './system';
import { SubscriptionWitness } from './witness';
import { Workload, type Op } from './workload';

export interface ChaosOptions {
  /** The log on EventStoreDB at this connection string (default: the embedded PostgreSQL store). */
  readonly esdbConnectionString?: string;
  /** A JSON file describing the cluster's nodes (see esdb-cluster.ts): the run starts them and adds their faults. */
  readonly esdbClusterFile?: string;
}

/**
 * `npm run chaos -- --seed N --minutes M`: the whole system under a mixed workload while a
 * seeded schedule stops PostgreSQL, kills Redis, the API's workers, the active projector and
 * the alert-worker, and stalls a transaction; then the checker. Exit 0 when every invariant held.
 */
export async function runChaos(
  seed: number,
  minutes: number,
  log: (l: string) => void = (l) => process.stdout.write(`[chaos] ${l}\n`),
  options: ChaosOptions = {},
) {
  const started = Date.now();
  const load = [loadavg()[0]];
  const clusterFile = options.esdbClusterFile;
  const esdb: SystemOptions['esdb'] = options.esdbConnectionString
    ? { connectionString: options.esdbConnectionString, cluster: clusterFile ? (dir) => EsdbCluster.fromFile(clusterFile, dir) : undefined }
    : undefined;
  log(
    `seed ${seed}, ${minutes} min, log on ${esdb ? `EventStoreDB${clusterFile ? ' (cluster, with its faults)' : ''}` : 'PostgreSQL'}; starting the system…`,
  );
  const system = await startSystem({ esdb });
  log(`system up in ${((Date.now() - started) / 1000).toFixed(0)} s (data in ${system.dir})`);
  const workload = new Workload({ baseUrl: system.baseUrl, apiKey: system.apiKey, seed, clients: 6 });
  const witnessPool = esdb ? undefined : createPool(system.pg.url, { max: 2 });
  const witnessStore: EventStore = esdb
    ? EventStoreDbEventStore.fromConnectionString(esdb.connectionString)
    : new PostgresEventStore(witnessPool!);
  const witness = new SubscriptionWitness(witnessStore);
  const kinds = system.esdb?.cluster ? [...FAULT_KINDS, ...ESDB_FAULT_KINDS] : FAULT_KINDS;
  let faults: InjectedFault[];
  let result: Awaited<ReturnType<typeof check>> | undefined;
  try {
    witness.start();
    workload.start();
    const faultMs = minutes * 60_000;
    const until = Date.now() + faultMs;
    faults = await inject(system, schedule(seed, faultMs, kinds), log, until);
    const rest = until - Date.now();
    if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    load.push(loadavg()[0]);
    log('faults over; letting the clients finish what they were doing…');
    await workload.stop();
    result = await check(system, workload.history, faults, log, witness);
    load.push(loadavg()[0]);
  } finally {
    await witness.stop().catch(() => undefined);
    await witnessStore.close().catch(() => undefined);
    await witnessPool?.end().catch(() => undefined);
    await system.stop().catch((e: Error) => log(`stopping: ${e.message}`));
  }
  const checked = result;
  const summary = summarise(seed, minutes, workload.history, faults, checked.rules, {
    ...checked,
    seconds: (Date.now() - started) / 1000,
    load,
    started,
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
  stats: { events: number; payments: number; seconds: number; load: number[]; started: number },
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
    ...faults
      .filter((f) => f.target)
      .map(
        (f) =>
          `  ${f.kind} at +${((f.startedAt - stats.started) / 1000).toFixed(0)} s: ${f.target}; ${f.checks.map((c) => `${c.ok ? '' : 'FAILED '}${c.detail}`).join('; ')}`,
      ),
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
      // `--event-store eventstoredb`: the log on EventStoreDB at EVENTSTORE_CONNECTION_STRING;
      // `--esdb-cluster <file>`: the run starts that cluster's nodes and adds their faults.
      'event-store': { type: 'string', default: 'postgres' },
      'esdb-cluster': { type: 'string' },
    },
  });
  const onEsdb = values['event-store'] === 'eventstoredb';
  if (!onEsdb && values['event-store'] !== 'postgres') {
    process.stderr.write(`chaos: --event-store is postgres or eventstoredb, not ${values['event-store']}\n`);
    process.exit(2);
  }
  if (onEsdb && !process.env.EVENTSTORE_CONNECTION_STRING) {
    process.stderr.write('chaos: --event-store eventstoredb needs EVENTSTORE_CONNECTION_STRING\n');
    process.exit(2);
  }
  if (values['esdb-cluster'] && !onEsdb) {
    process.stderr.write('chaos: --esdb-cluster needs --event-store eventstoredb\n');
    process.exit(2);
  }
  runChaos(Number(values.seed), Number(values.minutes), undefined, {
    esdbConnectionString: onEsdb ? process.env.EVENTSTORE_CONNECTION_STRING : undefined,
    esdbClusterFile: values['esdb-cluster'],
  }).then(
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
