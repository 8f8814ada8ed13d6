import type { Pool, PoolClient } from 'pg';
import { widestHealthWindow, windowStartOf, type HealthSettings, type MinuteActivity } from '@ledger/monitoring';

/** The minute windows up to `now` that any health window can reach, per provider (all providers unless one is given). */
export async function loadHealthMinutes(
  db: Pool | PoolClient,
  now: Date,
  settings: HealthSettings,
  options: { provider?: string } = {},
): Promise<MinuteActivity[]> {
  const { rows } = await db.query<{
    minute_start: Date;
    provider: string;
    succeeded: string;
    failed: string;
    processing_time_sum_ms: string;
    processing_count: string;
    fraud_flags: string;
  }>(
    `SELECT minute_start, provider, succeeded, failed, processing_time_sum_ms, processing_count, fraud_flags
       FROM read_models.health_windows
      WHERE minute_start >= $1 AND minute_start <= $2 AND ($3::text IS NULL OR provider = $3)`,
    [windowStartOf(now, widestHealthWindow(settings)).toISOString(), now.toISOString(), options.provider ?? null],
  );
  return rows.map((r) => ({
    minuteStart: r.minute_start,
    provider: r.provider,
    succeeded: Number(r.succeeded),
    failed: Number(r.failed),
    processingSumMs: Number(r.processing_time_sum_ms),
    processingCount: Number(r.processing_count),
    fraudFlags: Number(r.fraud_flags),
  }));
}
