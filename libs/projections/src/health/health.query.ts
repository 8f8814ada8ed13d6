import type { Pool } from 'pg';
import type { DashboardFilter, Health } from '../dashboard/shapes';
import { computeHealth } from './health';

/** Health at `now` from the last hour of minute windows (all providers unless filtered; currency does not apply). */
export async function queryHealth(pool: Pool, now: Date, filter: DashboardFilter = {}): Promise<Health> {
  const { rows } = await pool.query(
    `SELECT minute_start, sum(succeeded) AS s, sum(failed) AS f, sum(processing_time_sum_ms) AS t, sum(processing_count) AS c,
            sum(fraud_flags) AS x
       FROM read_models.health_windows
      WHERE minute_start > $1::timestamptz - interval '60 minutes' AND minute_start <= $1::timestamptz
        AND ($2::text IS NULL OR provider = $2)
      GROUP BY minute_start`,
    [now.toISOString(), filter.provider ?? null],
  );
  const windows = rows.map((r) => ({
    minuteStart: r.minute_start as Date,
    succeeded: Number(r.s),
    failed: Number(r.f),
    processingTimeSumMs: Number(r.t),
    processingCount: Number(r.c),
    fraudFlags: Number(r.x),
  }));
  return computeHealth(windows, now);
}
