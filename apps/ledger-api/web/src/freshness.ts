import type { LiveState } from './live';
import type { ProjectionState } from './types';

/** A projection this far behind the head is lagging (amber) even while its checkpoint moves. */
const LAG_WARN_SECONDS = 5;
/** A checkpoint that has not moved for this long while events wait: amber, on the way to a stall (red, the API's verdict). */
const IDLE_WARN_SECONDS = 3;
/** The last good read this old while none succeeds since (requests hanging): the numbers are stale. */
const STALE_READ_MS = 10_000;

/** What the last read of the board (and the payments) found. */
export type ReadOutcome =
  | { readonly ok: true; readonly at: number; readonly projections: readonly ProjectionState[] }
  | { readonly ok: false; readonly at: number; readonly status: number | null; readonly lastOkAt: number | null };

export type Condition = 'current' | 'lagging' | 'stalled';

/** Stalled: as the API judged it (the projection_stalled definition). Lagging: far behind, or its checkpoint idle a moment. */
export function projectionCondition(p: ProjectionState): Condition {
  if (p.stall.stalled) return 'stalled';
  if (p.lag.secondsBehind >= LAG_WARN_SECONDS || p.stall.waitedSeconds >= IDLE_WARN_SECONDS) return 'lagging';
  return 'current';
}

type FreshnessState = 'connecting' | 'live' | 'reconnecting' | 'lagging' | 'stalled' | 'down' | 'stale';

export interface Freshness {
  readonly state: FreshnessState;
  readonly level: 'ok' | 'warn' | 'bad';
  /** Short, for the header (announced by screen readers when it changes: no ticking numbers). */
  readonly label: string;
  /** The reason in full (ages, counts), for the tooltip. */
  readonly detail: string;
}

const clock = (at: number) => new Date(at).toLocaleTimeString();
const names = (ps: readonly ProjectionState[]) => ps.map((p) => p.name).join(', ');

/**
 * How fresh the numbers on the page are, worst first: the API or its database failing (red), a projection
 * stalled (red), one lagging (amber), no good read for a while (amber), the change feed (re)connecting
 * (amber); else green "Live". The socket alone never makes it green: the data must be fresh too.
 */
export function judgeFreshness(socket: LiveState, read: ReadOutcome | undefined, now: number): Freshness {
  if (read && !read.ok) {
    const since = read.lastOkAt ? `; showing the numbers of ${clock(read.lastOkAt)}` : '';
    if (read.status === 503) return { state: 'down', level: 'bad', label: 'Database unavailable', detail: `The API answered 503${since}` };
    if (read.status === null) return { state: 'down', level: 'bad', label: 'API unreachable', detail: `No answer from the API${since}` };
    return { state: 'down', level: 'bad', label: `API error ${read.status}`, detail: `The API answered ${read.status}${since}` };
  }
  if (read?.ok) {
    const stalled = read.projections.filter((p) => projectionCondition(p) === 'stalled');
    if (stalled.length)
      return {
        state: 'stalled',
        level: 'bad',
        label: `Stale: ${names(stalled)} stalled`,
        detail: stalled
          .map(
            (p) =>
              `${p.name}: ${p.stall.eventsWaiting}${p.stall.capped ? '+' : ''} events waiting for ${Math.round(p.stall.waitedSeconds)} s`,
          )
          .join('; '),
      };
    const lagging = read.projections.filter((p) => projectionCondition(p) === 'lagging');
    if (lagging.length)
      return {
        state: 'lagging',
        level: 'warn',
        label: `Lagging: ${names(lagging)} behind`,
        detail: lagging.map((p) => `${p.name}: ${p.lag.positionsBehind} events, ${p.lag.secondsBehind} s behind`).join('; '),
      };
    if (now - read.at >= STALE_READ_MS)
      return { state: 'stale', level: 'warn', label: 'No fresh numbers', detail: `Last read at ${clock(read.at)}` };
  }
  if (socket !== 'live' || !read)
    return {
      state: socket === 'reconnecting' ? 'reconnecting' : 'connecting',
      level: 'warn',
      label: socket === 'reconnecting' ? 'Reconnecting…' : 'Connecting…',
      detail: 'Waiting for the change feed',
    };
  return { state: 'live', level: 'ok', label: 'Live', detail: `Numbers read at ${clock(read.at)}` };
}
