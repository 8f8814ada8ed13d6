import type { Pool } from 'pg';
import { DEFAULT_THRESHOLDS, healthThresholds, type HealthSettings } from '@ledger/monitoring';
import type { DashboardFilter, Health } from '../dashboard/shapes';
import { computeHealth } from './health';
import { loadHealthMinutes } from './health-minutes.query';

const DEFAULT_HEALTH_SETTINGS: HealthSettings = { defaults: DEFAULT_THRESHOLDS, providers: {} };

/**
 * Health at `now`: one provider's on its own thresholds, or (unfiltered) every provider's minutes summed
 * and judged on the defaults. Currency does not apply.
 */
export async function queryHealth(
  pool: Pool,
  now: Date,
  filter: DashboardFilter = {},
  settings: HealthSettings = DEFAULT_HEALTH_SETTINGS,
): Promise<Health> {
  const rows = await loadHealthMinutes(pool, now, settings, { provider: filter.provider });
  return computeHealth(rows, healthThresholds(settings, filter.provider), now);
}
