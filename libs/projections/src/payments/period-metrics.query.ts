import type { Pool } from 'pg';

export interface PeriodMetrics {
  readonly days: number;
  readonly provider: string | null;
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly refunded: number;
  readonly disputed: number;
  /** Percent with 2 decimals, CONTRACT.md's definitions. */
  readonly successRate: number;
  readonly failureRate: number;
  readonly refundRate: number;
  readonly averageProcessingTimeMs: number | null;
  readonly p95ProcessingTimeMs: number | null;
  readonly topFailureReasons: readonly { code: string; count: number }[];
  /** Minor units as decimal strings, per currency; never added across currencies. */
  readonly volumes: readonly {
    currency: string;
    total: string;
    succeeded: string;
    refunded: string;
    disputed: string;
    disputeLosses: string;
    net: string;
  }[];
}

const pct = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 10_000) / 100);

/** Payments created in the period, from read_models.payments (the dashboard's definitions): the audit report's summary. */
export async function periodMetrics(pool: Pool, days: number, provider: string | undefined, now = new Date()): Promise<PeriodMetrics> {
  const since = new Date(now.getTime() - days * 86_400_000).toISOString();
  const params = [since, provider ?? null];
  const scope = `created_at >= $1 AND ($2::text IS NULL OR provider = $2)`;
  const [
    {
      rows: [c],
    },
    { rows: reasons },
    { rows: volumes },
  ] = await Promise.all([
    pool.query(
      `SELECT count(*)::int AS total, count(succeeded_at)::int AS succeeded, count(failed_at)::int AS failed,
              count(*) FILTER (WHERE refunded_amount > 0)::int AS refunded, count(*) FILTER (WHERE disputed)::int AS disputed,
              avg(processing_time_ms)::float8 AS avg_ms,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY processing_time_ms)::float8 AS p95_ms
         FROM read_models.payments WHERE ${scope}`,
      params,
    ),
    pool.query(
      `SELECT error_code AS code, count(*)::int AS count FROM read_models.payments
        WHERE ${scope} AND failed_at IS NOT NULL GROUP BY error_code ORDER BY count DESC, code LIMIT 5`,
      params,
    ),
    pool.query(
      `SELECT currency, sum(amount)::text AS total, coalesce(sum(amount) FILTER (WHERE succeeded_at IS NOT NULL), 0)::text AS succeeded,
              sum(refunded_amount)::text AS refunded, sum(disputed_amount)::text AS disputed,
              sum(dispute_losses)::text AS "disputeLosses",
              (coalesce(sum(amount) FILTER (WHERE succeeded_at IS NOT NULL), 0) - sum(refunded_amount) - sum(dispute_losses))::text AS net
         FROM read_models.payments WHERE ${scope} GROUP BY currency ORDER BY currency`,
      params,
    ),
  ]);
  const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
  return {
    days,
    provider: provider ?? null,
    total: c.total,
    succeeded: c.succeeded,
    failed: c.failed,
    refunded: c.refunded,
    disputed: c.disputed,
    successRate: pct(c.succeeded, c.succeeded + c.failed),
    failureRate: pct(c.failed, c.succeeded + c.failed),
    refundRate: pct(c.refunded, c.succeeded),
    averageProcessingTimeMs: round(c.avg_ms),
    p95ProcessingTimeMs: round(c.p95_ms),
    topFailureReasons: reasons,
    volumes,
  };
}
