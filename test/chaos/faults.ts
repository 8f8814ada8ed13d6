import { Client } from 'pg';
import { rng } from '../e2e/projections/support/workload';
import { activeProjections, apiWorkerPids, waitUntil, type App, type System } from './system';

const FAULT_KINDS = ['pg-stop', 'redis-kill', 'api-worker-kill', 'projector-kill', 'alert-worker-kill', 'stall'] as const;
type FaultKind = (typeof FAULT_KINDS)[number];

export interface PlannedFault {
  readonly kind: FaultKind;
  /** Quiet time before it, ms. */
  readonly gapMs: number;
  /** How long the dependency stays down / the transaction stays open, ms. */
  readonly downMs: number;
}

/** A recovery property measured during one fault, checked by the checker. */
interface FaultCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface InjectedFault extends PlannedFault {
  readonly startedAt: number;
  endedAt: number;
  readonly checks: FaultCheck[];
}

/**
 * The seeded schedule: every kind once in a shuffled order, then more drawn at random while
 * the time lasts. Faults follow one another (each one's recovery is measured on its own).
 */
export function schedule(seed: number, durationMs: number): PlannedFault[] {
  const random = rng(seed);
  const draw = (kind: FaultKind): PlannedFault => ({
    kind,
    gapMs: 3_000 + Math.floor(random() * 7_000),
    downMs:
      kind === 'pg-stop'
        ? 1_000 + Math.floor(random() * 9_000)
        : kind === 'redis-kill'
          ? 1_000 + Math.floor(random() * 5_000)
          : kind === 'alert-worker-kill'
            ? 500 + Math.floor(random() * 3_000)
            : kind === 'stall'
              ? 20_000
              : 0,
  });
  const kinds = [...FAULT_KINDS];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  const out = kinds.map(draw);
  // A fault takes its gap, its down time and up to ~12 s of recovery checks.
  const cost = (f: PlannedFault) => f.gapMs + f.downMs + 12_000;
  let used = out.reduce((s, f) => s + cost(f), 0);
  for (;;) {
    const next = draw(FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]);
    if (used + cost(next) > durationMs) break;
    out.push(next);
    used += cost(next);
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Deadlines of the recovery properties (issue 16). */
const RECOVERY_MS = 5_000;
const TAKEOVER_MS = 5_000;

/** Injects the planned faults in order, measuring how each service comes back. */
export async function inject(
  system: System,
  plan: readonly PlannedFault[],
  log: (line: string) => void,
  until: number,
): Promise<InjectedFault[]> {
  const done: InjectedFault[] = [];
  for (const planned of plan) {
    await sleep(planned.gapMs);
    if (Date.now() > until && done.length >= FAULT_KINDS.length) break;
    const fault: InjectedFault = { ...planned, startedAt: Date.now(), endedAt: 0, checks: [] };
    done.push(fault);
    log(`fault ${done.length}: ${planned.kind}${planned.downMs ? ` for ${(planned.downMs / 1000).toFixed(1)} s` : ''}`);
    try {
      await INJECTORS[planned.kind](system, fault);
    } catch (error) {
      fault.checks.push({ name: `${planned.kind} ran`, ok: false, detail: (error as Error).message });
    }
    fault.endedAt = Date.now();
    for (const c of fault.checks) if (!c.ok) log(`  ${c.name}: FAILED (${c.detail})`);
  }
  return done;
}

/** Authenticated reads against the API, one every 100 ms, while the callback runs: the statuses seen and when. */
async function probing<T>(system: System, during: () => Promise<T>) {
  const seen: { at: number; status: number | string }[] = [];
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const at = Date.now();
      const status = await fetch(`${system.baseUrl}/v1/payments/chaos_probe_missing`, {
        headers: { authorization: `Bearer ${system.apiKey}` },
        signal: AbortSignal.timeout(10_000),
      }).then(
        (r) => r.status,
        (e: Error) => (e.name === 'TimeoutError' ? 'timeout' : 'reset'),
      );
      seen.push({ at, status });
      await sleep(100);
    }
  })();
  try {
    return { result: await during(), seen };
  } finally {
    stop = true;
    await loop;
  }
}

/** 404 for the missing probe payment is the API answering normally (it read the store). */
const answered = (s: number | string) => typeof s === 'number' && s < 500 && s !== 401 && s !== 429;

async function firstAnswerAfter(system: System, from: number, timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await fetch(`${system.baseUrl}/v1/payments/chaos_probe_missing`, {
      headers: { authorization: `Bearer ${system.apiKey}` },
      signal: AbortSignal.timeout(10_000),
    }).then(
      (r) => r.status,
      () => 0,
    );
    if (answered(status)) return Date.now() - from;
    await sleep(100);
  }
  return undefined;
}

const INJECTORS: Record<FaultKind, (system: System, fault: InjectedFault) => Promise<void>> = {
  async 'pg-stop'(system, fault) {
    let startedAgainAt = 0;
    const { seen } = await probing(system, async () => {
      system.pg.stopImmediate();
      const downAt = Date.now();
      await sleep(fault.downMs);
      // Only what was answered while the server was surely down (not its own shutdown) counts.
      system.pg.start();
      startedAgainAt = Date.now();
      return downAt;
    });
    const whileDown = seen.filter((s) => s.at > fault.startedAt + 500 && s.at < startedAgainAt - 200);
    const bad = whileDown.filter((s) => s.status !== 503);
    fault.checks.push({
      name: 'API answered 503 while PostgreSQL was down',
      ok: whileDown.length > 0 && bad.length === 0,
      detail: bad.length ? `answered ${[...new Set(bad.map((b) => b.status))].join(', ')}` : `${whileDown.length} probes, all 503`,
    });
    const after = seen.find((s) => s.at >= startedAgainAt && answered(s.status));
    const ms = after ? after.at - startedAgainAt : await firstAnswerAfter(system, startedAgainAt, 30_000);
    fault.checks.push({
      name: `API answered within ${RECOVERY_MS / 1000} s of PostgreSQL's return`,
      ok: ms !== undefined && ms <= RECOVERY_MS,
      detail: ms === undefined ? 'no answer in 30 s' : `${ms} ms`,
    });
    await projectorsActive(system, fault, 'after PostgreSQL returned');
  },

  async 'redis-kill'(system, fault) {
    await system.redis.kill('SIGKILL');
    await sleep(fault.downMs);
    await system.redis.start();
    const ms = await firstAnswerAfter(system, Date.now(), 30_000);
    fault.checks.push({ name: 'API answered after Redis returned', ok: ms !== undefined, detail: `${ms} ms` });
  },

  async 'api-worker-kill'(system, fault) {
    const before = apiWorkerPids(system.api);
    if (before.length === 0) throw new Error('no API worker found');
    process.kill(before[0], 'SIGKILL');
    const killedAt = Date.now();
    let replaced = true;
    await waitUntil(
      () => {
        const now = apiWorkerPids(system.api);
        return now.length === before.length && !now.includes(before[0]);
      },
      30_000,
      'no replacement worker',
    ).catch(() => (replaced = false));
    fault.checks.push({
      name: 'the API replaced its killed worker',
      ok: replaced,
      detail: replaced ? `${Date.now() - killedAt} ms` : 'not within 30 s',
    });
  },

  async 'projector-kill'(system, fault) {
    const active = system.projectors.find((p) => p.alive && activeProjections(p).has('ledger'));
    if (!active) throw new Error('no projector holds the ledger projection');
    const held = activeProjections(active);
    // A standby the supervisor is still bringing back (it exited on its own earlier) is waited for.
    await waitUntil(() => system.projectors.every((p) => p.alive), 60_000, 'a projector is not running').catch(() => undefined);
    const standby = system.projectors.filter((p) => p !== active && p.alive);
    await active.kill('SIGKILL');
    const killedAt = Date.now();
    let tookOver: number | undefined;
    await waitUntil(
      () => {
        const now = new Set(standby.flatMap((p) => [...activeProjections(p)]));
        return [...held].every((h) => now.has(h));
      },
      30_000,
      'standby did not take over',
    ).then(
      () => (tookOver = Date.now() - killedAt),
      () => undefined,
    );
    fault.checks.push({
      name: `standby took over within ${TAKEOVER_MS / 1000} s`,
      ok: tookOver !== undefined && tookOver <= TAKEOVER_MS,
      detail: tookOver === undefined ? `not within 30 s (held: ${[...held].join(', ')})` : `${tookOver} ms (${held.size} projections)`,
    });
    active.start(); // its supervisor brings it back; it waits as the new standby
  },

  async 'alert-worker-kill'(system, fault) {
    await system.alertWorker.kill('SIGKILL');
    await sleep(fault.downMs);
    system.alertWorker.start();
  },

  async stall(system, fault) {
    // A writer that took its transaction id and then hung: the read horizon stays behind it.
    const client = new Client({ connectionString: system.pg.url });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_current_xact_id()');
      await sleep(fault.downMs);
      await client.query('COMMIT');
    } finally {
      await client.end().catch(() => undefined);
    }
    const ms = await firstAnswerAfter(system, Date.now(), 30_000);
    fault.checks.push({ name: 'API answered after the stall', ok: ms !== undefined, detail: `${ms} ms` });
  },
};

/** Every projection held by some live projector again (none gave up for good). */
async function projectorsActive(system: System, fault: InjectedFault, when: string): Promise<void> {
  const names = ['ledger', 'audit_trail'];
  const all = () => new Set(system.projectors.filter((p: App) => p.alive).flatMap((p) => [...activeProjections(p)]));
  let ok = true;
  // A projector that exited on its own (started while the server was down) counts once its supervisor brought it back.
  await waitUntil(() => system.projectors.every((p) => p.alive) && names.every((n) => all().has(n)), 30_000, '').catch(() => (ok = false));
  const dead = system.projectors.filter((p) => !p.alive).map((p) => `${p.name} exited ${p.child.exitCode ?? p.child.signalCode}`);
  fault.checks.push({
    name: `projectors running and active ${when}`,
    ok: ok && dead.length === 0,
    detail: dead.length ? dead.join(', ') : ok ? 'yes' : `active: ${[...all()].join(', ') || 'none'}`,
  });
}
