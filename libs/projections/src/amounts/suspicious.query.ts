import type { Pool } from 'pg';
import { filterParams, type DashboardFilter } from '../dashboard/shapes';
import { amountBucketWidth, amountFloor } from './amount-counts.projection';

/**
 * fraud.suspicious: payments whose amount is above their currency's threshold, counted at query time against
 * the current SUSPICIOUS_AMOUNTS. Buckets of `amount_counts` that start above the threshold lie wholly above it;
 * of the one bucket holding the threshold, only the payments above it are counted, in `payments` (index on
 * `(currency, amount)`). No other bucket holds an amount above the threshold, so the sum is exact.
 */
export async function countSuspicious(pool: Pool, filter: DashboardFilter, thresholds: Readonly<Record<string, number>>): Promise<number> {
  const entries = Object.entries(thresholds).filter(([currency]) => !filter.currency || currency === filter.currency);
  if (entries.length === 0) return 0;
  const { rows } = await pool.query<{ buckets: string; edge: string }>(
    `WITH t(currency, threshold, bucket_end) AS (SELECT * FROM unnest($3::text[], $4::bigint[], $5::bigint[]))
     SELECT (SELECT coalesce(sum(c.payments), 0) FROM t JOIN read_models.amount_counts c
               ON c.currency = t.currency AND c.amount_floor > t.threshold
              WHERE ($1::text IS NULL OR c.provider = $1) AND ($2::text IS NULL OR c.currency = $2)) AS buckets,
            (SELECT count(*) FROM t JOIN read_models.payments p
               ON p.currency = t.currency AND p.amount > t.threshold AND p.amount < t.bucket_end
              WHERE ($1::text IS NULL OR p.provider = $1) AND ($2::text IS NULL OR p.currency = $2)) AS edge`,
    [
      ...filterParams(filter),
      entries.map(([c]) => c),
      entries.map(([, v]) => v),
      entries.map(([, v]) => amountFloor(v) + amountBucketWidth(v)),
    ],
  );
  return Number(rows[0].buckets) + Number(rows[0].edge);
}
