import type { AlertSeverity } from '../alerts/alert';
import type { ProviderThresholds } from './alert-settings';

/** One read_models.health_windows row. */
export interface MinuteActivity {
  readonly minuteStart: Date;
  readonly provider: string;
  readonly succeeded: number;
  readonly failed: number;
  readonly processingSumMs: number;
  readonly processingCount: number;
  readonly fraudFlags: number;
}

export type ConditionRule = 'failure_rate' | 'processing_time' | 'fraud_flags';
export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

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

const MINUTE = 60_000;

/** Minute buckets are keyed by their start, so a window of N minutes is the N buckets up to now's. */
export function windowStartOf(now: Date, windowMs: number): Date {
  return new Date(Math.floor(now.getTime() / MINUTE) * MINUTE - windowMs + MINUTE);
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const span = (ms: number) => (ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${ms / MINUTE}m`);

export function evaluateConditions(provider: string, rows: readonly MinuteActivity[], t: ProviderThresholds, now: Date): Condition[] {
  const within = (windowMs: number) => {
    const start = windowStartOf(now, windowMs);
    return { start, rows: rows.filter((r) => r.provider === provider && r.minuteStart >= start && r.minuteStart <= now) };
  };
  const sum = (rs: readonly MinuteActivity[], f: (r: MinuteActivity) => number) => rs.reduce((a, r) => a + f(r), 0);

  const failure = within(t.failureWindowMs);
  const failed = sum(failure.rows, (r) => r.failed);
  const decisions = failed + sum(failure.rows, (r) => r.succeeded);
  const rate = decisions === 0 ? 0 : round2((failed / decisions) * 100);

  const processing = within(t.processingWindowMs);
  const count = sum(processing.rows, (r) => r.processingCount);
  const mean = count === 0 ? 0 : Math.round(sum(processing.rows, (r) => r.processingSumMs) / count);

  const fraud = within(t.fraudWindowMs);
  const flags = sum(fraud.rows, (r) => r.fraudFlags);

  return [
    {
      rule: 'failure_rate',
      provider,
      severity: 'critical',
      firing: decisions >= t.minDecisions && rate > t.failureRate,
      value: rate,
      threshold: t.failureRate,
      windowStart: failure.start,
      windowEnd: now,
      title: `${provider}: payment failure rate ${rate}% over ${span(t.failureWindowMs)} (threshold ${t.failureRate}%)`,
      details: { failed, decisions },
    },
    {
      rule: 'processing_time',
      provider,
      severity: 'warning',
      firing: count > 0 && mean > t.processingTimeMs,
      value: mean,
      threshold: t.processingTimeMs,
      windowStart: processing.start,
      windowEnd: now,
      title: `${provider}: mean processing time ${mean} ms over ${span(t.processingWindowMs)} (threshold ${t.processingTimeMs} ms)`,
      details: { decisions: count },
    },
    {
      rule: 'fraud_flags',
      provider,
      severity: 'critical',
      firing: flags > t.fraudFlags,
      value: flags,
      threshold: t.fraudFlags,
      windowStart: fraud.start,
      windowEnd: now,
      title: `${provider}: ${flags} fraud flags in ${span(t.fraudWindowMs)} (threshold ${t.fraudFlags})`,
      details: {},
    },
  ];
}

/**
 * The dashboard's criteria (libs/projections computeHealth) on this provider's
 * thresholds: unhealthy on fraud or a failure rate above twice its threshold,
 * degraded on any other firing condition.
 */
export function healthOf(conditions: readonly Condition[]): HealthStatus {
  const firing = conditions.filter((c) => c.firing);
  if (firing.some((c) => c.rule === 'fraud_flags' || (c.rule === 'failure_rate' && c.value > 2 * c.threshold))) return 'unhealthy';
  return firing.length > 0 ? 'degraded' : 'healthy';
}
