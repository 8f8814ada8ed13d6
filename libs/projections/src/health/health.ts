import { assessHealth, round2, type HealthMinute, type ProviderThresholds } from '@ledger/monitoring';
import { percent, type Health } from '../dashboard/shapes';

/**
 * The dashboard's view of the one health definition (`assessHealth` in @ledger/monitoring, whose spec
 * holds every criterion): the status and issues as judged there, the figures rounded for display.
 */
export function computeHealth(minutes: readonly HealthMinute[], thresholds: ProviderThresholds, now: Date): Health {
  const { status, issues, failure, processing, fraud } = assessHealth(minutes, thresholds, now);
  return {
    status,
    issues: [...issues],
    metrics: {
      windowMinutes: thresholds.failureWindowMs / 60_000,
      succeeded: failure.decisions - failure.failed,
      failed: failure.failed,
      failureRate: percent(failure.failed, failure.decisions),
      averageProcessingTimeMs: processing.meanMs === null ? null : round2(processing.meanMs),
      fraudFlagsLastHour: fraud.flags,
    },
  };
}
