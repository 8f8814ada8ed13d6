import type { Pool } from 'pg';
import { FILTER_SQL, filterParams, type Breakdown, type DashboardFilter } from '../dashboard/shapes';

/** Payments by current status, from the status_counts counters (no scan of payments). */
export async function queryBreakdown(pool: Pool, filter: DashboardFilter): Promise<Breakdown> {
  const { rows } = await pool.query<{ status: keyof Breakdown; n: string }>(
    `SELECT status, sum(payments) AS n FROM read_models.status_counts WHERE ${FILTER_SQL} GROUP BY status`,
    filterParams(filter),
  );
  const breakdown: Breakdown = { pending: 0, processing: 0, succeeded: 0, failed: 0, partially_refunded: 0, refunded: 0, needs_review: 0 };
  for (const r of rows) breakdown[r.status] = Number(r.n);
  return breakdown;
}
