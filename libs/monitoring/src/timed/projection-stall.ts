import type { HorizonHolder } from '@ledger/event-store';
import type { RuleReading } from '../rules/transitions';

/** PROJECTION_STALL_AFTER's default. */
export const DEFAULT_STALL_AFTER_MS = 30_000;

/**
 * One projection's progress measured at an instant `now`: what `projectionStatus` of @ledger/projections
 * reports for every projection of its registry (a `ProjectionStatus` is one). Restated here because
 * monitoring cannot import projections (projections imports monitoring); the reading is injected.
 */
export interface ProjectionProgress {
  readonly name: string;
  /** When its checkpoint last moved (ISO 8601). */
  readonly updatedAt: string;
  readonly lag: {
    /** Committed events after its checkpoint, whether or not the horizon lets the projector see them, counted up to a cap. */
    readonly positionsBehind: number;
    readonly capped: boolean;
    /** Seconds from the oldest of them being recorded to `now`; 0 when none. */
    readonly secondsBehind: number;
    /** How long the PostgreSQL read horizon has been held where it is; null on EventStoreDB. */
    readonly horizonAgeSeconds: number | null;
    /** The session holding it, when this role can see it. */
    readonly horizonHolder: HorizonHolder | null;
  };
}

/** Every projection's progress at `now` (the alert worker wires `projectionStatus(pool, store, now)`). */
export type ReadProjectionProgress = (now: Date) => Promise<readonly ProjectionProgress[]>;

/** A read horizon held for at least PROJECTION_STALL_AFTER: every projector is blind above it. */
export interface HeldHorizon {
  readonly ageSeconds: number;
  /** null: a session this role cannot see (pg_read_all_stats names it). */
  readonly holder: HorizonHolder | null;
}

export interface ProjectionStall {
  readonly name: string;
  readonly stalled: boolean;
  /** now − max(the checkpoint last moved, the oldest waiting event was recorded); 0 when nothing waits. */
  readonly waitedSeconds: number;
  /** Committed events after the checkpoint (counted up to a cap: `capped`). */
  readonly eventsWaiting: number;
  readonly capped: boolean;
  /** When stalled and the read horizon has been held at least as long as PROJECTION_STALL_AFTER: who holds it. */
  readonly horizon: HeldHorizon | null;
}

const round = (seconds: number) => Math.round(seconds * 100) / 100;

/**
 * THE stall definition, for the `projection_stalled` alert and for the dashboard's health alike: a projection
 * is stalled when events wait behind its checkpoint and its checkpoint has not moved for at least
 * `stallAfterMs`, where "not moved" is measured from the later of the checkpoint's last move and the
 * recording of the oldest waiting event (a projection idle for an hour is not stalled by the event that
 * arrived a moment ago):
 *
 *   waited  = now − max(checkpoint.updatedAt, recordedAt of the oldest event waiting behind it)
 *   stalled = eventsWaiting > 0 and waited ≥ stallAfter
 *
 * A dead projector, a batch stuck in its transaction and a held read horizon (the projector sees nothing to
 * apply) all read the same way; a projector that is slow but moves its checkpoint is not stalled. `p` must
 * have been measured at `now` (its lag's ages are).
 */
export function assessProjectionStall(p: ProjectionProgress, now: Date, stallAfterMs: number): ProjectionStall {
  const eventsWaiting = p.lag.positionsBehind;
  const checkpointAge = Math.max(0, (now.getTime() - Date.parse(p.updatedAt)) / 1000);
  // max of two instants = min of their ages
  const waitedSeconds = eventsWaiting > 0 ? round(Math.min(checkpointAge, Math.max(0, p.lag.secondsBehind))) : 0;
  const stalled = eventsWaiting > 0 && waitedSeconds * 1000 >= stallAfterMs;
  const horizonAge = p.lag.horizonAgeSeconds;
  const held = stalled && horizonAge !== null && horizonAge * 1000 >= stallAfterMs;
  return {
    name: p.name,
    stalled,
    waitedSeconds,
    eventsWaiting,
    capped: p.lag.capped,
    horizon: held ? { ageSeconds: horizonAge, holder: p.lag.horizonHolder } : null,
  };
}

/** The stalled ones of `progress`, in its order. */
export function stalledProjections(progress: readonly ProjectionProgress[], now: Date, stallAfterMs: number): ProjectionStall[] {
  return progress.map((p) => assessProjectionStall(p, now, stallAfterMs)).filter((s) => s.stalled);
}

const events = (s: Pick<ProjectionStall, 'eventsWaiting' | 'capped'>) =>
  `${s.eventsWaiting}${s.capped ? '+' : ''} event${s.eventsWaiting === 1 && !s.capped ? '' : 's'}`;

/** "pid 4242 (psql, database ledger, idle in transaction, 95 s)", or who could name it. */
export function describeHorizonHolder(horizon: HeldHorizon): string {
  const h = horizon.holder;
  return h
    ? `pid ${h.pid} (${h.application || 'no application_name'}, database ${h.database ?? '?'}, ${h.state ?? '?'}, ${Math.round(h.ageSeconds)} s)`
    : 'a session this role cannot see (grant pg_read_all_stats to name it)';
}

/** One sentence per stalled projection: "projection ledger stalled: 793 events waiting for 147 s" (+ who holds the horizon). */
export function describeProjectionStall(s: ProjectionStall): string {
  const held = s.horizon ? `, behind the read horizon held by ${describeHorizonHolder(s.horizon)}` : '';
  return `projection ${s.name} stalled: ${events(s)} waiting for ${Math.round(s.waitedSeconds)} s${held}`;
}

/**
 * projection_stalled, one reading for the whole system (one alert for the whole stall, not one per projection):
 * firing while any projection is stalled; the title lists each stalled projection with its waiting events and
 * age, and names the session holding the read horizon when that is what stopped them.
 */
export function projectionStallReading(progress: readonly ProjectionProgress[], now: Date, stallAfterMs: number): RuleReading {
  const all = progress.map((p) => assessProjectionStall(p, now, stallAfterMs));
  const stalled = all.filter((s) => s.stalled);
  const firing = stalled.length > 0;
  const waited = Math.max(0, ...stalled.map((s) => s.waitedSeconds));
  const horizon = stalled.find((s) => s.horizon)?.horizon ?? null;
  const holder = horizon?.holder ?? null;
  const list = (of: readonly ProjectionStall[], age: boolean) =>
    of.map((s) => `${s.name} (${events(s)} waiting${age ? ` for ${Math.round(s.waitedSeconds)} s` : ''})`).join(', ');
  const title = firing
    ? `${stalled.length === 1 ? 'projection' : 'projections'} stalled: ${list(stalled, true)}` +
      (horizon ? `; read horizon held by ${describeHorizonHolder(horizon)}` : '')
    : `projections moving: ${list(all, false)}`;
  const perProjection: Record<string, number | string> = {};
  for (const s of stalled) {
    perProjection[`${s.name}.eventsWaiting`] = s.eventsWaiting;
    perProjection[`${s.name}.waitedSeconds`] = s.waitedSeconds;
  }
  return {
    rule: 'projection_stalled',
    provider: null,
    severity: 'critical',
    firing,
    value: waited,
    threshold: stallAfterMs / 1000,
    windowStart: new Date(now.getTime() - waited * 1000),
    windowEnd: now,
    title,
    details: {
      projections: stalled.map((s) => s.name).join(','),
      eventsWaiting: Math.max(0, ...stalled.map((s) => s.eventsWaiting)),
      waitedSeconds: waited,
      ...perProjection,
      // The session holding the read horizon, when that is what stopped them (null otherwise).
      pid: holder?.pid ?? null,
      application: holder?.application ?? null,
      database: holder?.database ?? null,
      state: holder?.state ?? null,
      ageSeconds: horizon ? (holder?.ageSeconds ?? horizon.ageSeconds) : null,
    },
  };
}
