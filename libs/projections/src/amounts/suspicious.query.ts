import type { Pool } from 'pg';
import type { DashboardFilter } from '../dashboard/shapes';
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
  // One lateral pair per currency: each is an index range scan with that currency's own bounds (a join over all
  // thresholds at once was planned as a scan of every payment of the provider).
  const { rows } = await pool.query<{ buckets: string; edge: string }>(
    `SELECT coalesce(sum(b.n), 0) AS buckets, coalesce(sum(e.n), 0) AS edge
       FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS t(currency, threshold, bucket_end)
      CROSS JOIN LATERAL (SELECT sum(c.payments) AS n FROM read_models.amount_counts c
                           WHERE c.currency = t.currency AND c.amount_floor > t.threshold AND ($1::text IS NULL OR c.provider = $1)) b
      CROSS JOIN LATERAL (SELECT count(*) AS n FROM read_models.payments p
                           WHERE p.currency = t.currency AND p.amount > t.threshold AND p.amount < t.bucket_end
                             AND ($1::text IS NULL OR p.provider = $1)) e`,
    [
      filter.provider ?? null,
      entries.map(([c]) => c),
      entries.map(([, v]) => v),
      entries.map(([, v]) => amountFloor(v) + amountBucketWidth(v)),
    ],
  );
  return Number(rows[0].buckets) + Number(rows[0].edge);
}
