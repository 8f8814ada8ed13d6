import type { Pool } from 'pg';
import { PAYMENT_STREAM_PREFIX } from '@ledger/payments-domain';
import {
  PostgresEventStore,
  START,
  comparePositions,
  formatPosition,
  type EventStore,
  type HorizonHolder,
  type Position,
} from '@ledger/event-store';
import { readCheckpoint } from '../runner/checkpoints';
import { PROJECTIONS } from '../projections';

export interface Lag {
  /** Committed events after the checkpoint, counted up to `cap`, whether or not the horizon lets the projector see them. */
  readonly positionsBehind: number;
  readonly capped: boolean;
  /** Age of the oldest committed event not yet applied; 0 when caught up. */
  readonly secondsBehind: number;
  /** The true head: the newest committed event. */
  readonly headPosition: string | null;
  /** PostgreSQL store: how long the read horizon has been held where it is (null on EventStoreDB, which has none). */
  readonly horizonAgeSeconds: number | null;
  /** The session holding the horizon, when there is one (PostgreSQL only). */
  readonly horizonHolder: HorizonHolder | null;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly position: string;
  readonly eventsApplied: number;
  readonly updatedAt: string;
  readonly lag: Lag;
}

const secondsSince = (now: Date, at: Date | null | undefined) =>
  at ? Math.max(0, Math.round((now.getTime() - at.getTime()) / 10) / 100) : 0;

/**
 * Lag against the true head. On PostgreSQL the subscription reads below the
 * horizon, so measuring through it would report 0 behind exactly when a held
 * transaction stops every projector: here the committed rows are counted directly.
 */
export async function measureLag(
  store: EventStore,
  checkpoint: Position,
  now: Date,
  cap = 1000,
  streamPrefix = PAYMENT_STREAM_PREFIX,
): Promise<Lag> {
  const [lag] = await measureLags(store, [checkpoint], now, cap, streamPrefix);
  return lag;
}

/**
 * The lag of several checkpoints against one reading of the head and the horizon: what every projection is
 * measured against is the same instant's head, and the horizon (a scan of pg_stat_activity, the costliest
 * part of a measurement) is read once for all of them.
 */
export async function measureLags(
  store: EventStore,
  checkpoints: readonly Position[],
  now: Date,
  cap = 1000,
  streamPrefix = PAYMENT_STREAM_PREFIX,
): Promise<Lag[]> {
  const after = (checkpoint: Position) => (comparePositions(checkpoint, START) === 0 ? undefined : checkpoint);
  if (store instanceof PostgresEventStore) {
    const [head, horizon, ...pending] = await Promise.all([
      store.committedHead(streamPrefix),
      store.horizon(streamPrefix),
      ...checkpoints.map((checkpoint) => store.committedAfter(after(checkpoint), cap, streamPrefix)),
    ]);
    return pending.map((p) => ({
      positionsBehind: p.count,
      capped: p.count >= cap,
      secondsBehind: secondsSince(now, p.oldestRecordedAt),
      headPosition: head ? formatPosition(head) : null,
      horizonAgeSeconds: horizon.ageSeconds,
      horizonHolder: horizon.holder,
    }));
  }
  const [[head], ...pending] = await Promise.all([
    store.readAll({ direction: 'backwards', maxCount: 1, streamPrefix }),
    ...checkpoints.map((checkpoint) => store.readAll({ after: after(checkpoint), maxCount: cap, streamPrefix })),
  ]);
  return pending.map((p) => ({
    positionsBehind: p.length,
    capped: p.length >= cap,
    secondsBehind: secondsSince(now, p[0]?.recordedAt),
    headPosition: head ? formatPosition(head.position) : null,
    horizonAgeSeconds: null,
    horizonHolder: null,
  }));
}

/**
 * Checkpoint and lag of every projection (`ledger projections status`, projection_stalled, the dashboard's health),
 * each measured on the streams it reads (its streamPrefix: reconciliation's 'pay' holds payouts too).
 */
export async function projectionStatus(pool: Pool, store: EventStore, now = new Date()): Promise<ProjectionStatus[]> {
  const names = Object.keys(PROJECTIONS);
  const checkpoints = await Promise.all(names.map((name) => readCheckpoint(pool, name)));
  const prefixes = names.map((name) => PROJECTIONS[name].streamPrefix ?? PAYMENT_STREAM_PREFIX);
  const lags: Lag[] = [];
  for (const prefix of new Set(prefixes)) {
    const mine = names.flatMap((_, i) => (prefixes[i] === prefix ? [i] : []));
    const measured = await measureLags(
      store,
      mine.map((i) => checkpoints[i].position),
      now,
      1000,
      prefix,
    );
    mine.forEach((i, k) => (lags[i] = measured[k]));
  }
  return checkpoints.map((checkpoint, i) => ({
    name: names[i],
    position: formatPosition(checkpoint.position),
    eventsApplied: checkpoint.eventsApplied,
    updatedAt: checkpoint.updatedAt.toISOString(),
    lag: lags[i],
  }));
}

/** The database session holding a projection's runner lock: a projector is running that projection. */
export interface ProjectionRunnerSession {
  readonly pid: number;
  readonly application: string | null;
}

/**
 * Which projections a projector is running right now, by name: each ProjectionRunner holds a session advisory
 * lock on `hashtextextended('projection:<name>', 0)` while it runs (runner/projection-runner.ts; the key must
 * stay the same there), and the lock goes with its connection. A name missing from the map: nothing runs it,
 * so "0 behind" there only means nothing was committed since, not that anything keeps up.
 */
export async function projectionRunners(
  pool: Pick<Pool, 'query'>,
  names = Object.keys(PROJECTIONS),
): Promise<Map<string, ProjectionRunnerSession>> {
  const { rows } = await pool.query<{ name: string; pid: number; application: string | null }>(
    `SELECT k.name, l.pid, a.application_name AS application
       FROM unnest($1::text[]) AS k(name)
       JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('projection:' || k.name, 0)
       LEFT JOIN pg_stat_activity a ON a.pid = l.pid`,
    [names],
  );
  return new Map(rows.map((r) => [r.name, { pid: r.pid, application: r.application || null }]));
}
