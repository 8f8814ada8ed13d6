import type { Pool } from 'pg';
import { countSuspicious } from '../amounts/suspicious.query';
import { FILTER_SQL, filterParams, percent, round2, type DashboardFilter, type Metrics } from '../dashboard/shapes';

interface CurrencyRow {
  currency: string;
  created: string;
  succeeded: string;
  failed: string;
  refunded: string;
  disputed: string;
  volume_created: string;
  volume_succeeded: string;
  volume_refunded: string;
  volume_disputed: string;
  volume_dispute_losses: string;
  net: string;
  time_sum: string;
  time_count: string;
  fraud: string;
}

/**
 * CONTRACT "What the numbers mean". Counts are summed over currency rows: each
 * payment lives in exactly one, so the sum counts payments. Money never is.
 * fraud.suspicious is counted at query time against the current SUSPICIOUS_AMOUNTS
 * (amounts/suspicious.query.ts), so the projections stay a pure function of the events.
 */
export async function queryMetrics(pool: Pool, filter: DashboardFilter, thresholds: Readonly<Record<string, number>>): Promise<Metrics> {
  const params = filterParams(filter);
  const [perCurrency, states, suspicious, attempts] = await Promise.all([
    pool.query<CurrencyRow>(
      `SELECT currency, sum(payments_created) AS created, sum(payments_succeeded) AS succeeded, sum(payments_failed) AS failed,
              sum(payments_refunded) AS refunded, sum(payments_disputed) AS disputed, sum(volume_created) AS volume_created,
              sum(volume_succeeded) AS volume_succeeded, sum(volume_refunded) AS volume_refunded,
              sum(volume_disputed) AS volume_disputed, sum(volume_dispute_losses) AS volume_dispute_losses,
              sum(volume_succeeded) - sum(volume_refunded) - sum(volume_dispute_losses) AS net, sum(processing_time_sum_ms) AS time_sum,
              sum(processing_time_count) AS time_count, sum(fraud_flags) AS fraud
         FROM read_models.payment_metrics WHERE ${FILTER_SQL} GROUP BY currency ORDER BY currency`,
      params,
    ),
    pool.query<{ status: string; n: string }>(
      `SELECT status, sum(payments) AS n FROM read_models.status_counts
        WHERE ${FILTER_SQL} AND status IN ('pending', 'processing', 'needs_review') GROUP BY status`,
      params,
    ),
    countSuspicious(pool, filter, thresholds),
    pool.query<{ n: string | null }>(`SELECT sum(failures) AS n FROM read_models.error_counts WHERE ${FILTER_SQL}`, params),
  ]);
  const sum = (pick: (r: CurrencyRow) => string) => perCurrency.rows.reduce((acc, r) => acc + Number(pick(r)), 0);
  const state = (s: string) => Number(states.rows.find((r) => r.status === s)?.n ?? 0);
  const succeeded = sum((r) => r.succeeded);
  const failed = sum((r) => r.failed);
  const refunded = sum((r) => r.refunded);
  const timeCount = sum((r) => r.time_count);
  return {
    provider: filter.provider ?? null,
    counts: {
      total: sum((r) => r.created),
      pending: state('pending'),
      processing: state('processing'),
      succeeded,
      failed,
      failedAttempts: Number(attempts.rows[0]?.n ?? 0),
      refunded,
      disputed: sum((r) => r.disputed),
      needsReview: state('needs_review'),
    },
    volumes: perCurrency.rows.map((r) => ({
      currency: r.currency,
      total: r.volume_created,
      succeeded: r.volume_succeeded,
      refunded: r.volume_refunded,
      disputed: r.volume_disputed,
      disputeLosses: r.volume_dispute_losses,
      net: r.net,
    })),
    rates: {
      success: percent(succeeded, succeeded + failed),
      failure: percent(failed, succeeded + failed),
      refund: percent(refunded, succeeded),
    },
    averageProcessingTimeMs: timeCount === 0 ? null : round2(sum((r) => r.time_sum) / timeCount),
    fraud: { attempts: sum((r) => r.fraud), suspicious },
  };
}

/** Providers that have payments at all: each needs its webhook secret. */
export async function providersWithPayments(pool: Pool): Promise<Set<string>> {
  const { rows } = await pool.query<{ provider: string }>(
    `SELECT DISTINCT provider FROM read_models.payment_metrics WHERE payments_created > 0`,
  );
  return new Set(rows.map((r) => r.provider));
}
