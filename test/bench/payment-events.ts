import type { Pool } from 'pg';

/**
 * Benchmark history straight into the PostgreSQL store: ~4 events per payment
 * (created, processing, succeeded or failed (10 %), a refund for the succeeded),
 * two providers, five currencies, spread over the 30 days from 2025-11-01 UTC,
 * in SQL, 50k payments per transaction. Payments are numbered from `firstPayment`
 * (1 by default), so a run can add history to what an earlier one generated.
 */
export async function generate(pool: Pool, total: number, firstPayment = 1): Promise<void> {
  const payments = Math.ceil(total / 4);
  for (let from = firstPayment - 1; from < payments; from += 50_000) {
    await pool.query(
      `
      WITH p AS (
        SELECT g AS n, md5(g::text) AS id, CASE WHEN g % 2 = 0 THEN 'stripe' ELSE 'paystack' END AS provider,
               (ARRAY['USD','EUR','JPY','KWD','NGN'])[1 + g % 5] AS currency, 1 + (g::bigint * 7919) % 200000 AS amount,
               timestamptz '2025-11-01T00:00:00Z' + (g % 43200) * interval '1 minute' AS t
          FROM generate_series($1::int, $2::int) g),
      e AS (
        SELECT n, id, 0 AS rev, 'PaymentCreated' AS type, jsonb_build_object('paymentId', id, 'provider', provider, 'amount', amount, 'currency', currency, 'createdAt', t) AS data, t FROM p
        UNION ALL SELECT n, id, 1, 'PaymentProcessing', jsonb_build_object('paymentId', id, 'startedAt', t + interval '1 s'), t FROM p
        UNION ALL SELECT n, id, 2, CASE WHEN n % 10 = 0 THEN 'PaymentFailed' ELSE 'PaymentSucceeded' END,
          CASE WHEN n % 10 = 0 THEN jsonb_build_object('paymentId', id, 'errorCode', 'card_declined', 'failedAt', t + interval '3 s')
               ELSE jsonb_build_object('paymentId', id, 'amount', amount, 'currency', currency, 'processingTimeMs', n % 4000, 'succeededAt', t + interval '3 s') END, t FROM p
        UNION ALL SELECT n, id, 3, 'PaymentRefunded', jsonb_build_object('paymentId', id, 'refundId', 're_1', 'amount', 1, 'currency', currency, 'totalRefunded', 1, 'refundedAt', t + interval '1 h'), t FROM p WHERE n % 10 <> 0)
      INSERT INTO event_store.events (stream_id, revision, event_id, event_type, data, metadata)
      SELECT 'payment-' || id, rev, gen_random_uuid(), type, data,
             jsonb_build_object('correlationId', id, 'actor', 'key_bench', 'schemaVersion', 1, 'occurredAt', t)
        FROM e ORDER BY n, rev`,
      [from + 1, Math.min(from + 50_000, payments)],
    );
  }
}
