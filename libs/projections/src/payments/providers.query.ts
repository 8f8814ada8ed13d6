import type { Pool, PoolClient } from 'pg';
import type { WaitingPayments } from '@ledger/monitoring';

/** The provider of each of these payments that has a row. */
export async function paymentProviders(db: Pool | PoolClient, paymentIds: readonly string[]): Promise<Map<string, string>> {
  if (paymentIds.length === 0) return new Map();
  const { rows } = await db.query<{ payment_id: string; provider: string }>({
    name: 'payment_providers',
    text: `SELECT payment_id, provider FROM read_models.payments WHERE payment_id = ANY($1::text[])`,
    values: [paymentIds],
  });
  return new Map(rows.map((r) => [r.payment_id, r.provider]));
}

/** Per provider with any, the payments in `processing`: how many, and since when the oldest waits (processing, else created). */
export async function waitingPayments(db: Pool | PoolClient): Promise<WaitingPayments[]> {
  const { rows } = await db.query<{ provider: string; waiting: number; oldest: Date }>(
    `SELECT provider, count(*)::int AS waiting, min(coalesce(processing_at, created_at)) AS oldest
       FROM read_models.payments WHERE status = 'processing' GROUP BY provider ORDER BY provider`,
  );
  return rows.map((r) => ({ provider: r.provider, waiting: r.waiting, oldest: r.oldest }));
}
