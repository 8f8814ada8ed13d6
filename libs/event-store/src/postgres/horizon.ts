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
  /** How long the horizon has been held where it is: the age of its holder's transaction, 0 when none. */
  readonly ageSeconds: number;
  readonly holder: HorizonHolder | null;
}

type Db = Pick<Pool | PoolClient, 'query'>;

/**
 * pg_stat_activity shows other roles' sessions' xids only to members of
 * pg_read_all_stats (or superusers); without it the holder reads as unknown
 * (null) while the horizon itself is still measured.
 */
export async function readHorizon(db: Db): Promise<Horizon> {
  const { rows: [row] } = await db.query<{ xmin: string; pid: number | null; application: string | null; database: string | null; state: string | null; age: string | null }>(
    `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin, h.pid, h.application_name AS application, h.datname AS database, h.state,
            extract(epoch FROM clock_timestamp() - h.xact_start)::text AS age
       FROM (SELECT 1) AS one
       LEFT JOIN LATERAL (
         SELECT pid, application_name, datname, state, xact_start FROM pg_stat_activity
          WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
          ORDER BY age(backend_xid) DESC LIMIT 1) AS h ON true`,
  );
  const ageSeconds = row.age === null ? 0 : Math.max(0, Math.round(Number(row.age) * 100) / 100);
  return {
    xmin: row.xmin,
    ageSeconds,
    holder: row.pid === null ? null : { pid: row.pid, application: row.application ?? '', database: row.database, state: row.state, ageSeconds },
  };
}

/** Committed events after `after` whatever the horizon: how many (up to `cap`) and when the oldest was recorded. */
export async function committedAfter(
  db: Db, after: { commit: bigint; prepare: bigint } | undefined, cap: number, streamPrefix: string,
): Promise<{ count: number; oldestRecordedAt: Date | null }> {
  const { rows: [row] } = await db.query<{ n: number; oldest: Date | null }>(
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
  const { rows: [row] } = await db.query<{ tx: string; pos: string }>(
    `SELECT transaction_id::text AS tx, global_position::text AS pos FROM event_store.events
      WHERE starts_with(stream_id, $1) ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
    [streamPrefix],
  );
  return row ? { commit: BigInt(row.tx), prepare: BigInt(row.pos) } : undefined;
}
