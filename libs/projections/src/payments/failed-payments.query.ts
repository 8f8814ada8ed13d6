import type { Pool } from 'pg';
import { FILTER_SQL, filterParams, type DashboardFilter, type FailedPayment } from '../dashboard/shapes';

/** Latest failed payments, newest first (partial index on failed_at). */
export async function queryFailedPayments(pool: Pool, limit: number, filter: DashboardFilter): Promise<FailedPayment[]> {
  const { rows } = await pool.query(
    `SELECT payment_id, provider, amount, currency, error_code, failed_at FROM read_models.payments
      WHERE status = 'failed' AND ${FILTER_SQL} ORDER BY failed_at DESC, payment_id LIMIT $3`,
    [...filterParams(filter), limit],
  );
  return rows.map((r) => ({
    paymentId: r.payment_id,
    provider: r.provider,
    amount: Number(r.amount),
    currency: r.currency,
    errorCode: r.error_code,
    failedAt: (r.failed_at as Date).toISOString(),
  }));
}
