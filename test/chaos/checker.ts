import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { comparePositions, EventStoreDbEventStore, PostgresEventStore, type EventStore, type Position } from '@ledger/event-store';
import { FRAUD_ACTOR } from '@ledger/fraud';
import { rebuildProjection } from '@ledger/projections';
import { createPool } from '../../libs/platform/src';
import { snapshotReadModels, waitForProjections } from '../e2e/projections/support/harness';
import type { InjectedFault } from './faults';
import { SUSPICIOUS, type System } from './system';
import { firstDeliveryDifference, type SubscriptionWitness } from './witness';
import type { Op } from './workload';

export interface Invariant {
  readonly name: string;
  /** What it means, for the summary and the README. */
  readonly ok: boolean;
  readonly checked: number;
  readonly counterexample?: string;
}

interface StoredEvent {
  stream_id: string;
  revision: string;
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  position: Position;
}

/**
 * The projections at the head, and the head still: the fraud-velocity manager (issue 30) reads the
 * log behind the projections and appends its flags afterwards, so the head moves after the projections
 * first reach it (a chaos run on the cluster saw flags appended while the checker read). Settled when
 * the manager's checkpoint is at the head, its outbox empty, and the head did not move for 2 s.
 */
async function settle(pool: ReturnType<typeof createPool>, store: EventStore, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let previous: Position | undefined;
  for (;;) {
    const head = await waitForProjections(pool, store, Math.max(1_000, deadline - Date.now()));
    const { rows: manager } = await pool.query<{ commit: string; prepare: string }>(
      `SELECT commit_position::text AS commit, prepare_position::text AS prepare FROM fraud.checkpoint`,
    );
    const { rows: pending } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM fraud.outbox WHERE dispatched_at IS NULL`);
    const managerAtHead = manager.every((m) => comparePositions({ commit: BigInt(m.commit), prepare: BigInt(m.prepare) }, head) >= 0);
    if (managerAtHead && pending[0].n === 0 && previous && comparePositions(previous, head) === 0) return;
    if (Date.now() > deadline)
      throw new Error(`the log did not settle: fraud manager at head ${managerAtHead}, ${pending[0].n} flags pending`);
    previous = managerAtHead && pending[0].n === 0 ? head : undefined;
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

/** The log's `payment-` events: from PostgreSQL's table, or read from EventStoreDB through the port, in its order. */
async function loadLog(system: System, pool: ReturnType<typeof createPool>, store: EventStore): Promise<StoredEvent[]> {
  if (!system.esdb) {
    const { rows } = await pool.query<Omit<StoredEvent, 'position'> & { commit: string; prepare: string }>(
      `SELECT stream_id, revision::text, event_id::text, event_type AS type, data, metadata,
              transaction_id::text AS commit, global_position::text AS prepare
         FROM event_store.events WHERE stream_id LIKE 'payment-%' ORDER BY global_position`,
    );
    return rows.map(({ commit, prepare, ...e }) => ({ ...e, position: { commit: BigInt(commit), prepare: BigInt(prepare) } }));
  }
  const out: StoredEvent[] = [];
  for (;;) {
    const page = await store.readAll({ streamPrefix: 'payment-', after: out[out.length - 1]?.position, maxCount: 1000 });
    if (page.length === 0) return out;
    for (const e of page)
      out.push({
        stream_id: e.streamId,
        revision: String(e.revision),
        event_id: e.eventId,
        type: e.type,
        data: e.data as Record<string, unknown>,
        metadata: e.metadata,
        position: e.position,
      });
  }
}

/** Collects one invariant's violations; the first is its counterexample. */
class Rule {
  checked = 0;
  first: string | undefined;
  failures = 0;
  constructor(readonly name: string) {}
  check(ok: boolean, describe: () => string): void {
    this.checked++;
    if (ok) return;
    this.failures++;
    this.first ??= describe();
  }
  result(): Invariant {
    const extra = this.failures > 1 ? ` (and ${this.failures - 1} more)` : '';
    return { name: this.name, ok: this.failures === 0, checked: this.checked, counterexample: this.first && this.first + extra };
  }
}

const ROOT = join(__dirname, '..', '..');
const fmtOp = (op: Op) =>
  `#${op.n} ${op.name} ${op.paymentId ?? op.reference} (${op.outcome}; ${op.attempts.map((a) => a.status ?? a.error).join(',')})`;

/** After the faults: waits for the system to settle, then checks every invariant of issue 16. */
export async function check(
  system: System,
  history: readonly Op[],
  faults: readonly InjectedFault[],
  log: (l: string) => void,
  witness?: SubscriptionWitness,
) {
  const pool = createPool(system.pg.url, { max: 4 });
  const store: EventStore = system.esdb
    ? EventStoreDbEventStore.fromConnectionString(system.esdb.connectionString)
    : new PostgresEventStore(pool);
  const rules: Invariant[] = [];
  try {
    log('settling: waiting for the projections to reach the head…');
    let caughtUp = true;
    await settle(pool, store, 300_000).catch((e: Error) => {
      caughtUp = false;
      log(e.message);
    });
    rules.push({ name: 'projections reached the head after the faults', ok: caughtUp, checked: 1 });

    const events = await loadLog(system, pool, store);
    const byStream = new Map<string, StoredEvent[]>();
    const byKey = new Map<string, StoredEvent[]>();
    for (const e of events) {
      byStream.set(e.stream_id, [...(byStream.get(e.stream_id) ?? []), e]);
      const key = e.metadata.idempotencyKey;
      if (typeof key === 'string') byKey.set(key, [...(byKey.get(key) ?? []), e]);
    }
    const { rows: refs } = await pool.query<{ reference: string; payment_id: string }>(
      `SELECT reference, payment_id FROM ledger.provider_references WHERE provider = 'paystack'`,
    );
    const paystackPayment = new Map(refs.map((r) => [r.reference, r.payment_id]));
    // The workload's references hold no card-like run (one that did would be stored as a keyed token): as sent.
    for (const op of history) {
      if (op.source === 'paystack' && !op.paymentId) op.paymentId = paystackPayment.get(op.reference!);
    }

    // 1. Every acknowledged command's events are in the store exactly once; unknown: all or nothing; refused: nothing.
    const exactlyOnce = new Rule('acknowledged command → its events exactly once');
    const allOrNothing = new Rule('unknown outcome → fully present or fully absent');
    const refusedNothing = new Rule('refused command → nothing stored');
    for (const op of history) {
      const stream = op.paymentId ? (byStream.get(`payment-${op.paymentId}`) ?? []) : [];
      let found: StoredEvent[];
      if (op.expect.by === 'key') found = (byKey.get(op.key!) ?? []).filter(() => true);
      else if (op.expect.by === 'type') {
        const t = op.expect.type;
        found = stream.filter((e) => e.type === t);
      } else {
        const id = op.expect.refundId;
        found = stream.filter((e) => e.type === 'PaymentRefunded' && (e.data.providerRefundId === id || e.data.refundId === id));
      }
      const right = found.every((e) => e.stream_id === `payment-${op.paymentId}` && (op.expect.by !== 'key' || e.type === op.expect.type));
      const describe = () =>
        `${fmtOp(op)}: ${found.length} matching events ${found.map((e) => `${e.stream_id}@${e.revision} ${e.type}`).join(' ')}`;
      if (op.outcome === 'ok') exactlyOnce.check(found.length === 1 && right, describe);
      else if (op.outcome === 'unknown') {
        // A webhook that created the payment appends Created, Processing and Succeeded in one append: all or none.
        const whole =
          op.expect.by !== 'type' ||
          found.length === 0 ||
          ['PaymentCreated', 'PaymentProcessing'].every((t) => stream.some((e) => e.type === t));
        allOrNothing.check(found.length <= 1 && right && whole, describe);
      } else if (op.outcome === 'refused' && op.source === 'api') refusedNothing.check(found.length === 0, describe);
      else if (op.outcome === 'refused')
        refusedNothing.check(false, () => `a provider webhook was refused: ${fmtOp(op)} ${JSON.stringify(op.body)}`);
    }

    // 2. Per payment: one creation, one outcome, refunds unique and never above the capture, no event nobody sent.
    // Issue 28 restates two of them: failed attempts a provider reports (PaymentAttemptFailed) do not end a payment,
    // so "at most one of succeeded/failed" is about the outcomes (at most one success, at most one final failure,
    // never both, no attempt after the success); refunds plus dispute losses may pass the capture only where the
    // provider reported it, and then a PaymentProviderMismatch says so in the same stream.
    const oneEach = new Rule(
      'each payment: one creation, at most one success or final failure (never both), no failed attempt after the success, each refund once',
    );
    const refunds = new Rule('refunds plus dispute losses never exceed the captured amount without a provider mismatch');
    const phantom = new Rule('every stored event comes from a request the clients sent');
    const state = new Rule("no payment's state contradicts the acknowledged history");
    const sentKeys = new Set(history.filter((o) => o.key).map((o) => o.key!));
    const webhookStreams = new Set(history.filter((o) => o.source !== 'api' && o.paymentId).map((o) => `payment-${o.paymentId}`));
    // The fraud-velocity manager (issue 30) flags payments itself: such an event names the stored event that tripped its rule.
    const storedIds = new Set(events.map((e) => e.event_id));
    const flaggedByProcess = (e: StoredEvent) =>
      e.metadata.actor === FRAUD_ACTOR && typeof e.metadata.causationId === 'string' && storedIds.has(e.metadata.causationId);
    for (const [streamId, stream] of byStream) {
      const count = (t: string) => stream.filter((e) => e.type === t).length;
      const refundIds = stream.filter((e) => e.type === 'PaymentRefunded').map((e) => String(e.data.providerRefundId ?? e.data.refundId));
      oneEach.check(
        stream[0]?.type === 'PaymentCreated' &&
          count('PaymentCreated') === 1 &&
          count('PaymentProcessing') <= 1 &&
          count('PaymentSucceeded') + count('PaymentFailed') <= 1 &&
          !stream
            .slice(stream.findIndex((e) => e.type === 'PaymentSucceeded') + 1 || stream.length)
            .some((e) => e.type === 'PaymentAttemptFailed') &&
          new Set(refundIds).size === refundIds.length,
        () => `${streamId}: ${stream.map((e) => e.type).join(', ')}`,
      );
      const captured = Number(stream.find((e) => e.type === 'PaymentSucceeded')?.data.amount ?? 0);
      const refunded = stream.filter((e) => e.type === 'PaymentRefunded').reduce((s, e) => s + Number(e.data.counted ?? e.data.amount), 0);
      const lastTotal = Number([...stream].reverse().find((e) => typeof e.data.totalRefunded === 'number')?.data.totalRefunded ?? 0);
      const losses = stream
        .filter((e) => e.type === 'PaymentDisputeClosed' && e.data.outcome === 'lost')
        .reduce((s, e) => s + Number(e.data.amount), 0);
      const flagged = stream.some((e) => e.type === 'PaymentProviderMismatch' && e.data.kind === 'amount');
      refunds.check(
        refunded <= captured && lastTotal <= captured && (lastTotal + losses <= captured || flagged),
        () => `${streamId}: refunded ${refunded} (total ${lastTotal}) and lost ${losses} of ${captured}`,
      );
      for (const e of stream) {
        const key = e.metadata.idempotencyKey;
        phantom.check(
          flaggedByProcess(e) ||
            (webhookStreams.has(streamId)
              ? e.metadata.deliveryId !== undefined || typeof key === 'string'
              : typeof key === 'string' && sentKeys.has(key)),
          () => `${streamId}@${e.revision} ${e.type} (${JSON.stringify(e.metadata.actor)})`,
        );
      }
    }
    // Acknowledged commands of one payment appear in the order the client got their answers, and the outcome agrees.
    const apiByPayment = new Map<string, Op[]>();
    for (const op of history) if (op.source === 'api') apiByPayment.set(op.paymentId!, [...(apiByPayment.get(op.paymentId!) ?? []), op]);
    for (const [paymentId, ops] of apiByPayment) {
      const stream = byStream.get(`payment-${paymentId}`) ?? [];
      const revisions = ops.filter((o) => o.outcome === 'ok').map((o) => Number((byKey.get(o.key!) ?? [])[0]?.revision ?? -1));
      const ordered = revisions.every((r, i) => r >= 0 && (i === 0 || r > revisions[i - 1]));
      const succeededAck = ops.some((o) => o.outcome === 'ok' && o.name === 'success');
      const failedAck = ops.some((o) => o.outcome === 'ok' && o.name === 'failure');
      const has = (t: string) => stream.some((e) => e.type === t);
      state.check(
        ordered &&
          (!succeededAck || (has('PaymentSucceeded') && !has('PaymentFailed'))) &&
          (!failedAck || (has('PaymentFailed') && !has('PaymentSucceeded'))),
        () =>
          `${paymentId}: acknowledged ${ops
            .filter((o) => o.outcome === 'ok')
            .map((o) => o.name)
            .join(' → ')}, stored ${stream.map((e) => e.type).join(' → ')}`,
      );
    }
    rules.push(
      exactlyOnce.result(),
      allOrNothing.result(),
      refusedNothing.result(),
      oneEach.result(),
      refunds.result(),
      phantom.result(),
      state.result(),
    );

    // 3. Never a 500: every answer the clients got was a decided one or 503.
    const no500 = new Rule('the API never answered 5xx other than 503');
    for (const op of history)
      for (const a of op.attempts) no500.check(a.status === undefined || a.status < 500 || a.status === 503, () => `${fmtOp(op)}`);
    rules.push(no500.result());

    // 4. The projector resumed from its checkpoint: each event applied once by the live runners.
    const { rows: checkpoints } = await pool.query<{ name: string; events_applied: string }>(
      `SELECT name, events_applied FROM read_models.checkpoints ORDER BY name`,
    );
    const resumed = new Rule('projectors resumed from their checkpoints (events applied = events stored)');
    for (const c of checkpoints)
      resumed.check(Number(c.events_applied) === events.length, () => `${c.name}: applied ${c.events_applied}, stored ${events.length}`);
    rules.push(resumed.result());

    // 4b. Subscriptions resume in order with no gap or duplicate: what the audit_trail projection holds, and
    // what a subscriber held through every fault received, each equal to the log in the port's order.
    const inOrder = [...events]
      .sort((a, b) => comparePositions(a.position, b.position))
      .map((e) => ({ eventId: e.event_id, streamId: e.stream_id, revision: BigInt(e.revision) }));
    const { rows: trail } = await pool.query<{ event_id: string }>(
      `SELECT event_id::text FROM read_models.audit_trail WHERE stream_id LIKE 'payment-%' ORDER BY commit_position, prepare_position`,
    );
    const trailDiff = firstDeliveryDifference(
      inOrder,
      trail.map((r) => ({ eventId: r.event_id })),
    );
    rules.push({
      name: 'the audit_trail projection holds every event once, in log order (no gap, no duplicate)',
      ok: trailDiff === undefined,
      checked: trail.length,
      counterexample: trailDiff,
    });
    if (witness) {
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline && witness.received.length < inOrder.length) await new Promise((r) => setTimeout(r, 200));
      const diff = firstDeliveryDifference(inOrder, witness.received);
      rules.push({
        name: `a subscription held through every fault received every event once, in log order (resubscribed ${witness.resubscribes}×)`,
        ok: diff === undefined,
        checked: witness.received.length,
        counterexample: diff,
      });
    }

    // 5. Alerts: every payment above its currency's threshold paged once (the receiver dedupes on the alert id).
    const expected = events
      .filter((e) => e.type === 'PaymentCreated')
      .filter((e) => {
        const limit = SUSPICIOUS[e.data.currency as keyof typeof SUSPICIOUS];
        return limit !== undefined && Number(e.data.amount) > limit;
      })
      .map((e) => String(e.data.paymentId));
    const alertIds = () => {
      const ids = new Map<string, Set<string>>();
      for (const r of system.sink.received)
        if (r.alert.rule === 'suspicious_amount') {
          const p = String(r.alert.details?.paymentId);
          ids.set(p, (ids.get(p) ?? new Set()).add(r.alert.id));
        }
      return ids;
    };
    const alertDeadline = Date.now() + 180_000;
    while (Date.now() < alertDeadline && !expected.every((p) => alertIds().has(p))) await new Promise((r) => setTimeout(r, 500));
    const alerts = new Rule('every alert the workload must raise delivered once');
    const got = alertIds();
    for (const p of expected)
      alerts.check(got.get(p)?.size === 1, () => `suspicious_amount for ${p}: ${got.get(p)?.size ?? 0} alert ids delivered`);
    for (const p of got.keys()) alerts.check(expected.includes(p), () => `suspicious_amount for ${p}, which is not above its threshold`);
    const signatures = system.sink.received.every((r) => r.signatureValid);
    alerts.check(signatures, () => 'an alert arrived with a bad signature');
    rules.push(alerts.result());

    // 6. Recovery, measured while each fault ran.
    for (const name of [...new Set(faults.flatMap((f) => f.checks.map((c) => c.name)))]) {
      const rule = new Rule(name);
      for (const f of faults) for (const c of f.checks.filter((x) => x.name === name)) rule.check(c.ok, () => `${f.kind} at +${c.detail}`);
      rules.push(rule.result());
    }

    // Informational: processes that exited on their own and were restarted by the run's supervisor.
    const exits = [
      ...system.apps().flatMap((a) => a.unexpectedExits.map((e) => `${a.name} ${e.signal ?? e.code}`)),
      // An EventStoreDB node exits 0 to truncate its log offline after losing an election it was ahead in.
      ...(system.esdb?.cluster?.nodes ?? []).flatMap((n) =>
        n.unexpectedExits.map((e) => `EventStoreDB ${n.spec.name} ${e.signal ?? e.code}`),
      ),
    ];
    rules.push({
      name: `processes that exited on their own, restarted by the supervisor: ${exits.join(', ') || 'none'} (informational)`,
      ok: true,
      checked: exits.length,
    });

    // 7. `ledger audit verify` exits 0; every read model equals a rebuild.
    const verify = await runCli(['audit', 'verify'], system);
    rules.push({
      name: '`ledger audit verify` exits 0',
      ok: verify.code === 0,
      checked: 1,
      counterexample: verify.code === 0 ? undefined : `exit ${verify.code}: ${verify.out.slice(-600)}`,
    });
    const before = await snapshotReadModels(pool);
    for (const name of ['ledger', 'audit_trail']) await rebuildProjection(name, { pool, store });
    const after = await snapshotReadModels(pool);
    const rebuilt = new Rule('every read model equals a rebuild');
    for (const table of Object.keys(before)) {
      const a = before[table];
      const b = after[table];
      const i = a.findIndex((row, k) => row !== b[k]);
      rebuilt.check(
        a.length === b.length && i < 0,
        () => `${table}: live ${a.length} rows, rebuilt ${b.length}; first difference ${a[i] ?? '-'} vs ${b[i] ?? '-'}`,
      );
    }
    rules.push(rebuilt.result());
    return { rules, events: events.length, payments: byStream.size };
  } finally {
    await store.close().catch(() => undefined);
    await pool.end();
  }
}

function runCli(args: string[], system: System): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--require', join(ROOT, 'test', 'support', 'swc-register.js'), join(ROOT, 'apps', 'ledger-cli', 'src', 'main.ts'), ...args],
      {
        env: { ...process.env, ...system.env, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? 1, out }));
  });
}
