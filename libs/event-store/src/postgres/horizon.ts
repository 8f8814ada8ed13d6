import type { Pool, PoolClient } from 'pg';

/** The session whose transaction id is the oldest still running anywhere on the server. */
export interface HorizonHolder {
  readonly pid: number;
  readonly application: string;
  readonly database: string | null;
  readonly state: string | null;
  /** Seconds since its transaction began. */
  readonly ageSeconds: number;
}

/**
 * The visibility horizon subscribers read below (`pg_snapshot_xmin`): which
 * transaction holds it and for how long. Any transaction with an id holds it,
 * in any database of the server, so one idle session can stop every projector.
 */
export interface Horizon {
  readonly xmin: string;
  /**
   * How long the horizon has been held where it is: the holder's transaction age, or, when the
   * holder cannot be seen, how long the oldest committed event above it has waited; 0 when none.
   */
  readonly ageSeconds: number;
  readonly holder: HorizonHolder | null;
  /** Committed payment events above the horizon, invisible to subscribers (counted up to 1000). */
  readonly eventsWaiting: number;
  /** How long the oldest of them has waited, 0 when none. */
  readonly oldestWaitingSeconds: number;
}

type Db = Pick<Pool | PoolClient, 'query'>;

const seconds = (v: string | null) => (v === null ? 0 : Math.max(0, Math.round(Number(v) * 100) / 100));

/**
 * The holder is the session whose transaction id *is* the horizon. pg_stat_activity
 * shows other roles' ids only to members of pg_read_all_stats (or superusers);
 * without it the holder reads as null, and the waiting events still measure the stall.
 */
export async function readHorizon(db: Db, streamPrefix: string): Promise<Horizon> {
  const {
    rows: [row],
  } = await db.query<{
    xmin: string;
    pid: number | null;
    application: string | null;
    database: string | null;
    state: string | null;
    age: string | null;
    waiting: number;
    oldest: string | null;
  }>(
    `WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
     SELECT h.xmin::text AS xmin, a.pid, a.application_name AS application, a.datname AS database, a.state,
            extract(epoch FROM clock_timestamp() - a.xact_start)::text AS age, w.waiting, w.oldest
       FROM h
       LEFT JOIN LATERAL (
         SELECT pid, application_name, datname, state, xact_start FROM pg_stat_activity
          WHERE backend_xid::text::bigint = (h.xmin::text::numeric % 4294967296)::bigint LIMIT 1) AS a ON true
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS waiting, extract(epoch FROM clock_timestamp() - min(recorded_at))::text AS oldest FROM (
           SELECT recorded_at FROM event_store.events
            WHERE transaction_id >= h.xmin AND starts_with(stream_id, $1) LIMIT 1000) AS above) AS w`,
    [streamPrefix],
  );
  const holderAge = seconds(row.age);
  const oldestWaitingSeconds = seconds(row.oldest);
  return {
    xmin: row.xmin,
    ageSeconds: row.pid === null ? oldestWaitingSeconds : holderAge,
    holder:
      row.pid === null
        ? null
        : { pid: row.pid, application: row.application ?? '', database: row.database, state: row.state, ageSeconds: holderAge },
    eventsWaiting: row.waiting,
    oldestWaitingSeconds,
  };
}

/** Committed events after `after` whatever the horizon: how many (up to `cap`) and when the oldest was recorded. */
export async function committedAfter(
  db: Db,
  after: { commit: bigint; prepare: bigint } | undefined,
  cap: number,
  streamPrefix: string,
): Promise<{ count: number; oldestRecordedAt: Date | null }> {
  const {
    rows: [row],
  } = await db.query<{ n: number; oldest: Date | null }>(
    `SELECT count(*)::int AS n, min(recorded_at) AS oldest FROM (
       SELECT recorded_at FROM event_store.events
        WHERE starts_with(stream_id, $1) AND (transaction_id, global_position) > ($2::text::xid8, $3::bigint)
        ORDER BY transaction_id, global_position LIMIT $4) AS pending`,
    [streamPrefix, (after?.commit ?? 0n).toString(), (after?.prepare ?? 0n).toString(), cap],
  );
  return { count: row.n, oldestRecordedAt: row.oldest };
}

/** The newest committed event's position, above the horizon or not (the true head). */
export async function committedHead(db: Db, streamPrefix: string): Promise<{ commit: bigint; prepare: bigint } | undefined> {
  const {
    rows: [row],
  } = await db.query<{ tx: string; pos: string }>(
    `SELECT transaction_id::text AS tx, global_position::text AS pos FROM event_store.events
      WHERE starts_with(stream_id, $1) ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
    [streamPrefix],
  );
  return row ? { commit: BigInt(row.tx), prepare: BigInt(row.pos) } : undefined;
}
