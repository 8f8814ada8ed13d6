import type { Pool } from 'pg';
import { FILTER_SQL, filterParams, type DashboardFilter, type ErrorCount } from '../dashboard/shapes';

/** Failed payments by failure code, most frequent first (ties by code). */
export async function queryErrors(pool: Pool, filter: DashboardFilter): Promise<ErrorCount[]> {
  const { rows } = await pool.query<{ code: string; n: string }>(
    `SELECT error_code AS code, sum(failures) AS n FROM read_models.error_counts WHERE ${FILTER_SQL}
      GROUP BY error_code ORDER BY n DESC, code`,
    filterParams(filter),
  );
  return rows.map((r) => ({ code: r.code, count: Number(r.n) }));
}
