import type { Pool, PoolClient } from 'pg';
import { thresholdsFor, type AlertSettings, type ProviderThresholds } from './alert-settings';
import type { HealthMinute } from './health';

/** One provider's counts of one minute (a read_models.health_windows row, read by @ledger/projections). */
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

/**
 * What the batch rules read of the read models. Monitoring runs no SQL on the projections' tables (they are
 * @ledger/projections', which imports monitoring): the app that wires both passes projections' `alertReadModels`.
 */
export interface ReadModels {
  /** Every provider's minutes up to `now` that any health window of `settings` reaches, read in the batch's transaction. */
  readonly healthMinutes: (db: Pool | PoolClient, now: Date, settings: HealthSettings) => Promise<MinuteActivity[]>;
  /** The provider of each of these payments that has a row. */
  readonly paymentProviders: (db: Pool | PoolClient, paymentIds: readonly string[]) => Promise<Map<string, string>>;
}
