import type { Pool, PoolClient } from 'pg';
import { START, type Position } from '@ledger/event-store';
import type { FlagDecision } from '../velocity/facts';
import { RETENTION_MS, type Observation, type StateChanges, type Trip } from '../velocity/velocity-state';

type Db = Pick<Pool | PoolClient, 'query'>;

/** The manager's one checkpoint row in `fraud.checkpoint`. */
export const FRAUD_MANAGER = 'fraud_velocity';

export interface FraudCheckpoint {
  readonly position: Position;
  readonly eventsApplied: number;
  readonly updatedAt: Date;
}

export async function readFraudCheckpoint(db: Db): Promise<FraudCheckpoint> {
  await db.query(`INSERT INTO fraud.checkpoint (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [FRAUD_MANAGER]);
  const { rows } = await db.query<{ commit_position: string; prepare_position: string; events_applied: string; updated_at: Date }>(
    `SELECT commit_position, prepare_position, events_applied, updated_at FROM fraud.checkpoint WHERE name = $1`,
    [FRAUD_MANAGER],
  );
  const row = rows[0];
  return {
    position: { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) },
    eventsApplied: Number(row.events_applied),
    updatedAt: row.updated_at,
  };
}

/**
 * `ledger store rebase`: the checkpoint locked for the caller's transaction (with its name, as the projections'
 * are), and moved to the re-stamped numbering in it.
 */
export async function lockFraudCheckpoint(tx: PoolClient): Promise<{ name: string; position: Position }> {
  await readFraudCheckpoint(tx);
  const { rows } = await tx.query<{ commit_position: string; prepare_position: string }>(
    `SELECT commit_position, prepare_position FROM fraud.checkpoint WHERE name = $1 FOR UPDATE`,
    [FRAUD_MANAGER],
  );
  return { name: FRAUD_MANAGER, position: { commit: BigInt(rows[0].commit_position), prepare: BigInt(rows[0].prepare_position) } };
}

export async function moveFraudCheckpoint(tx: PoolClient, position: Position): Promise<void> {
  await tx.query(`UPDATE fraud.checkpoint SET commit_position = $2, prepare_position = $3, updated_at = now() WHERE name = $1`, [
    FRAUD_MANAGER,
    position.commit.toString(),
    position.prepare.toString(),
  ]);
}

/** Compare-and-set, first in the batch's transaction: false when another instance or a rebuild moved it. */
export async function advanceFraudCheckpoint(tx: PoolClient, expected: Position, next: Position, applied: number): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE fraud.checkpoint SET commit_position = $2, prepare_position = $3, events_applied = events_applied + $6, updated_at = now()
      WHERE name = $1 AND commit_position = $4 AND prepare_position = $5`,
    [FRAUD_MANAGER, next.commit.toString(), next.prepare.toString(), expected.commit.toString(), expected.prepare.toString(), applied],
  );
  return rowCount === 1;
}

/** What a new active instance needs: the observations within the retention of the newest one, and the trips. */
export async function loadFraudState(db: Db): Promise<{ observations: Observation[]; trips: Trip[] }> {
  const { rows } = await db.query<{
    payment_id: string;
    kind: 'payment' | 'failure';
    at: Date;
    customer_id: string | null;
    card_token: string | null;
    ip_token: string | null;
    device_token: string | null;
    email_token: string | null;
    amount: string | null;
    currency: string | null;
  }>(
    `SELECT payment_id, kind, at, customer_id, card_token, ip_token, device_token, email_token, amount, currency
       FROM fraud.observations
      WHERE at > (SELECT max(at) FROM fraud.observations) - make_interval(secs => $1::double precision / 1000)
      ORDER BY seq`,
    [RETENTION_MS],
  );
  const observations = rows.map((r) =>
    definedOnly<Observation>({
      paymentId: r.payment_id,
      kind: r.kind,
      at: r.at.getTime(),
      customerId: r.customer_id ?? undefined,
      card: r.card_token ?? undefined,
      ip: r.ip_token ?? undefined,
      device: r.device_token ?? undefined,
      email: r.email_token ?? undefined,
      amount: r.amount === null ? undefined : Number(r.amount),
      currency: r.currency ?? undefined,
    }),
  );
  const trips = await db.query<{ rule: string; subject: string; trip_id: string; opened_at: Date; last_at: Date }>(
    `SELECT rule, subject, trip_id, opened_at, last_at FROM fraud.trips`,
  );
  return {
    observations,
    trips: trips.rows.map((t) => ({
      rule: t.rule,
      subject: t.subject,
      tripId: t.trip_id,
      openedAt: t.opened_at.getTime(),
      lastAt: t.last_at.getTime(),
    })),
  };
}

/** A decided flag as the outbox keeps it until the relay has run it on the CommandBus. */
export interface OutboxRow {
  readonly seq: string;
  readonly commandId: string;
  readonly paymentId: string;
  readonly command: Omit<FlagDecision, 'at' | 'commandId'> & { decidedAt: string };
  readonly causationId: string;
}

/** One batch's writes, in the caller's transaction (with the checkpoint). */
export async function writeFraudBatch(
  tx: PoolClient,
  changes: StateChanges,
  decisions: readonly (FlagDecision & { causationId: string })[],
): Promise<void> {
  const o = changes.observed;
  if (o.length > 0) {
    await tx.query(
      `INSERT INTO fraud.observations (payment_id, kind, at, customer_id, card_token, ip_token, device_token, email_token, amount, currency)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                            $9::bigint[], $10::text[])`,
      [
        o.map((x) => x.paymentId),
        o.map((x) => x.kind),
        o.map((x) => new Date(x.at).toISOString()),
        o.map((x) => x.customerId ?? null),
        o.map((x) => x.card ?? null),
        o.map((x) => x.ip ?? null),
        o.map((x) => x.device ?? null),
        o.map((x) => x.email ?? null),
        o.map((x) => (x.amount === undefined ? null : String(x.amount))),
        o.map((x) => x.currency ?? null),
      ],
    );
  }
  for (const { customerId, subjects } of changes.forgotten) {
    await tx.query(`DELETE FROM fraud.observations WHERE customer_id = $1`, [customerId]);
    await tx.query(`DELETE FROM fraud.trips WHERE subject = ANY($1::text[])`, [subjects]);
  }
  const t = changes.trips;
  if (t.length > 0) {
    await tx.query(
      `INSERT INTO fraud.trips (rule, subject, trip_id, opened_at, last_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[])
       ON CONFLICT (rule, subject) DO UPDATE SET trip_id = EXCLUDED.trip_id, opened_at = EXCLUDED.opened_at, last_at = EXCLUDED.last_at`,
      [t.map((x) => x.rule), t.map((x) => x.subject), t.map((x) => x.tripId), t.map((x) => iso(x.openedAt)), t.map((x) => iso(x.lastAt))],
    );
  }
  for (const closed of changes.tripsClosed) {
    await tx.query(`DELETE FROM fraud.trips WHERE rule = $1 AND subject = $2`, [closed.rule, closed.subject]);
  }
  if (decisions.length > 0) {
    await tx.query(
      `INSERT INTO fraud.outbox (command_id, rule, payment_id, trip_id, decided_at, command, causation_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[], $7::text[])
       ON CONFLICT (command_id) DO NOTHING`,
      [
        decisions.map((d) => d.commandId),
        decisions.map((d) => d.rule),
        decisions.map((d) => d.paymentId),
        decisions.map((d) => d.tripId),
        decisions.map((d) => iso(d.at)),
        decisions.map(({ at, commandId: _, causationId: __, ...command }) => JSON.stringify({ ...command, decidedAt: iso(at) })),
        decisions.map((d) => d.causationId),
      ],
    );
  }
}

/** Observations past the retention of the newest one: no rule looks at them again. */
export async function pruneFraudState(db: Db): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM fraud.observations WHERE at < (SELECT max(at) FROM fraud.observations) - make_interval(secs => $1::double precision / 1000)`,
    [RETENTION_MS],
  );
  return rowCount ?? 0;
}

export async function pendingFlags(db: Db, limit = 100): Promise<OutboxRow[]> {
  const { rows } = await db.query<{
    seq: string;
    command_id: string;
    payment_id: string;
    command: OutboxRow['command'];
    causation_id: string;
  }>({
    name: 'fraud_pending_flags',
    text: `SELECT seq, command_id, payment_id, command, causation_id FROM fraud.outbox WHERE dispatched_at IS NULL ORDER BY seq LIMIT $1`,
    values: [limit],
  });
  return rows.map((r) => ({
    seq: r.seq,
    commandId: r.command_id,
    paymentId: r.payment_id,
    command: r.command,
    causationId: r.causation_id,
  }));
}

/** Marks the rows dispatched, each with its outcome, in one statement. */
export async function markFlagsDispatched(db: Db, outcomes: readonly { readonly seq: string; readonly outcome: string }[]): Promise<void> {
  if (outcomes.length === 0) return;
  await db.query(
    `UPDATE fraud.outbox o SET dispatched_at = now(), outcome = d.outcome
       FROM unnest($1::bigint[], $2::text[]) AS d(seq, outcome) WHERE o.seq = d.seq`,
    [outcomes.map((o) => o.seq), outcomes.map((o) => o.outcome)],
  );
}

/**
 * Rebuild from zero: the state and the checkpoint start over (the outbox stays: each decision it holds again is
 * the same row, and a flag dispatched again appends nothing). The running manager's compare-and-set then fails
 * and it reloads the empty state.
 */
export async function resetFraudState(tx: PoolClient): Promise<void> {
  await tx.query(`INSERT INTO fraud.checkpoint (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [FRAUD_MANAGER]);
  await tx.query(
    `UPDATE fraud.checkpoint SET commit_position = $2, prepare_position = $3, events_applied = 0, updated_at = now() WHERE name = $1`,
    [FRAUD_MANAGER, START.commit.toString(), START.prepare.toString()],
  );
  await tx.query(`TRUNCATE fraud.observations, fraud.trips`);
}

const iso = (at: number) => new Date(at).toISOString();

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
