import type { AlertSeverity } from '../alerts/alert';
import type { ProviderThresholds } from './alert-settings';
import { assessHealth, round2, span, type HealthAssessment } from './health';
import type { MinuteActivity } from './health-windows';

export type ConditionRule = 'failure_rate' | 'processing_time' | 'fraud_flags';

export interface Condition {
  readonly rule: ConditionRule;
  readonly provider: string;
  readonly severity: AlertSeverity;
  readonly firing: boolean;
  readonly value: number;
  readonly threshold: number;
  readonly windowStart: Date;
  readonly windowEnd: Date;
  readonly title: string;
  readonly details: Record<string, number>;
}

/**
 * The provider's health and the conditions behind it: each rule fires exactly when its part of the
 * health definition (rules/health.ts) leaves healthy, so the alerts and the dashboard never disagree.
 */
export function evaluateConditions(
  provider: string,
  rows: readonly MinuteActivity[],
  t: ProviderThresholds,
  now: Date,
): { health: HealthAssessment; conditions: Condition[] } {
  const health = assessHealth(
    rows.filter((r) => r.provider === provider),
    t,
    now,
  );
  const { failure, processing, fraud } = health;
  const rate = round2(failure.rate);
  const mean = Math.round(processing.meanMs ?? 0);
  const conditions: Condition[] = [
    {
      rule: 'failure_rate',
      provider,
      severity: 'critical',
      firing: failure.status !== 'healthy',
      value: rate,
      threshold: t.failureRate,
      windowStart: failure.windowStart,
      windowEnd: now,
      title: `${provider}: payment failure rate ${rate}% over ${span(t.failureWindowMs)} (threshold ${t.failureRate}%)`,
      details: { failed: failure.failed, decisions: failure.decisions },
    },
    {
      rule: 'processing_time',
      provider,
      severity: 'warning',
      firing: processing.slow,
      value: mean,
      threshold: t.processingTimeMs,
      windowStart: processing.windowStart,
      windowEnd: now,
      title: `${provider}: mean processing time ${mean} ms over ${span(t.processingWindowMs)} (threshold ${t.processingTimeMs} ms)`,
      details: { decisions: processing.count },
    },
    {
      rule: 'fraud_flags',
      provider,
      severity: 'critical',
      firing: fraud.critical,
      value: fraud.flags,
      threshold: t.fraudFlags,
      windowStart: fraud.windowStart,
      windowEnd: now,
      title: `${provider}: ${fraud.flags} fraud flags in ${span(t.fraudWindowMs)} (threshold ${t.fraudFlags})`,
      details: {},
    },
  ];
  return { health, conditions };
}
