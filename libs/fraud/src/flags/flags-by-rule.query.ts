import type { Pool, PoolClient } from 'pg';

export interface FlagsByRuleBucket {
  readonly bucketStart: string;
  readonly rule: string;
  /** Payments flagged under the rule in the bucket (by the event time that decided it). */
  readonly flags: number;
  /** Trips of the rule that started in the bucket (one fraud_velocity alert each). */
  readonly trips: number;
}

/**
 * The page's "flags by rule over time": the manager's decisions per rule and hour (or day), from its outbox,
 * which keeps one row per (rule, payment). Decisions not yet dispatched count too: they are flags already decided.
 */
export async function flagsByRule(
  db: Pick<Pool | PoolClient, 'query'>,
  range: { from: Date; to: Date; granularity?: 'hour' | 'day' },
): Promise<FlagsByRuleBucket[]> {
  const unit = range.granularity === 'day' ? 'day' : 'hour';
  const { rows } = await db.query<{ bucket_start: Date; rule: string; flags: number; trips: number }>(
    `SELECT date_trunc($3, decided_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket_start, rule,
            count(*)::int AS flags, count(DISTINCT trip_id)::int AS trips
       FROM fraud.outbox WHERE decided_at >= $1 AND decided_at < $2
      GROUP BY 1, 2 ORDER BY 1, 2`,
    [range.from, range.to, unit],
  );
  return rows.map((r) => ({ bucketStart: r.bucket_start.toISOString(), rule: r.rule, flags: r.flags, trips: r.trips }));
}
