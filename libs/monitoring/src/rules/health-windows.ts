import type { Pool, PoolClient } from 'pg';
import { thresholdsFor, type AlertSettings, type ProviderThresholds } from './alert-settings';
import { windowStartOf, type HealthMinute } from './health';

/** One read_models.health_windows row. */
export interface MinuteActivity extends HealthMinute {
  readonly provider: string;
}

/** The thresholds health is judged on: ALERT_RULES' defaults and per-provider overrides. */
export type HealthSettings = Pick<AlertSettings, 'defaults' | 'providers'>;

/** The widest window any provider's health reads, so one query serves every provider. */
export function widestHealthWindow(settings: HealthSettings): number {
  const all: Partial<ProviderThresholds>[] = [settings.defaults, ...Object.values(settings.providers)];
  return Math.max(...all.flatMap((t) => [t.failureWindowMs ?? 0, t.processingWindowMs ?? 0, t.fraudWindowMs ?? 0]));
}

export function healthThresholds(settings: HealthSettings, provider: string | undefined): ProviderThresholds {
  return provider === undefined ? settings.defaults : thresholdsFor(settings, provider);
}

/** The minute windows up to `now` that any health window can reach, per provider (all providers unless one is given). */
export async function loadHealthMinutes(
  db: Pool | PoolClient,
  now: Date,
  settings: HealthSettings,
  options: { schema?: string; provider?: string } = {},
): Promise<MinuteActivity[]> {
  const schema = options.schema ?? 'read_models';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`unsafe schema name: ${schema}`);
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
       FROM "${schema}".health_windows
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
