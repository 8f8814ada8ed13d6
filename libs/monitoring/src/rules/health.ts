import type { ProviderThresholds } from './alert-settings';

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** The counts of one UTC minute (a read_models.health_windows row, or several providers' rows summed). */
export interface HealthMinute {
  readonly minuteStart: Date;
  readonly succeeded: number;
  readonly failed: number;
  readonly processingSumMs: number;
  readonly processingCount: number;
  readonly fraudFlags: number;
}

/** Everything a health surface shows: the status, one sentence per breach, and the figures it was judged on. */
export interface HealthAssessment {
  readonly status: HealthStatus;
  readonly issues: readonly string[];
  readonly failure: {
    readonly failed: number;
    readonly decisions: number;
    /** Percent, unrounded: the thresholds are compared with this, never with a rounded figure. */
    readonly rate: number;
    /** False below min_decisions: too few decisions to judge by their failure rate. */
    readonly judged: boolean;
    readonly status: HealthStatus;
    readonly windowStart: Date;
  };
  readonly processing: { readonly count: number; readonly meanMs: number | null; readonly slow: boolean; readonly windowStart: Date };
  readonly fraud: { readonly flags: number; readonly critical: boolean; readonly windowStart: Date };
}

const MINUTE = 60_000;

/** Minute buckets are keyed by their start, so a window of N minutes is the N buckets up to now's. */
export function windowStartOf(now: Date, windowMs: number): Date {
  return new Date(Math.floor(now.getTime() / MINUTE) * MINUTE - windowMs + MINUTE);
}

export const round2 = (n: number): number => Math.round(n * 100) / 100;
export const span = (ms: number): string => (ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${ms / MINUTE}m`);

/**
 * The one definition of a provider's health, read by the dashboard, the health alerts and the audit report
 * (thresholds from ALERT_RULES; the defaults are the seed's), over the minute windows of occurredAt:
 * - healthy below `failure_rate` % failures;
 * - degraded from `failure_rate` % to `failure_rate_unhealthy` % inclusive, or when the mean processing
 *   time is above `processing_time`;
 * - unhealthy above `failure_rate_unhealthy` %, or with more than `fraud_flags` fraud flags.
 * The failure rate only counts with at least `min_decisions` decisions in its window.
 */
export function assessHealth(minutes: readonly HealthMinute[], t: ProviderThresholds, now: Date): HealthAssessment {
  const within = (windowMs: number) => {
    const start = windowStartOf(now, windowMs);
    return { start, rows: minutes.filter((m) => m.minuteStart >= start && m.minuteStart <= now) };
  };
  const sum = (rows: readonly HealthMinute[], pick: (m: HealthMinute) => number) => rows.reduce((a, m) => a + pick(m), 0);

  const f = within(t.failureWindowMs);
  const failed = sum(f.rows, (m) => m.failed);
  const decisions = failed + sum(f.rows, (m) => m.succeeded);
  const rate = decisions === 0 ? 0 : (failed * 100) / decisions;
  const judged = decisions > 0 && decisions >= t.minDecisions;
  const failureStatus: HealthStatus =
    !judged || rate < t.failureRate ? 'healthy' : rate > t.unhealthyFailureRate ? 'unhealthy' : 'degraded';

  const p = within(t.processingWindowMs);
  const count = sum(p.rows, (m) => m.processingCount);
  const meanMs = count === 0 ? null : sum(p.rows, (m) => m.processingSumMs) / count;
  const slow = meanMs !== null && meanMs > t.processingTimeMs;

  const x = within(t.fraudWindowMs);
  const flags = sum(x.rows, (m) => m.fraudFlags);
  const critical = flags > t.fraudFlags;

  const issues: string[] = [];
  const over = `over ${span(t.failureWindowMs)}`;
  if (failureStatus === 'unhealthy') issues.push(`Failure rate ${round2(rate)}% ${over} is above ${t.unhealthyFailureRate}%`);
  if (failureStatus === 'degraded') issues.push(`Failure rate ${round2(rate)}% ${over} is at or above ${t.failureRate}%`);
  if (slow)
    issues.push(`Slow processing: average ${round2(meanMs ?? 0)} ms over ${span(t.processingWindowMs)} (limit ${t.processingTimeMs} ms)`);
  if (critical) issues.push(`${flags} fraud flags in ${span(t.fraudWindowMs)} (limit ${t.fraudFlags})`);

  const status: HealthStatus =
    failureStatus === 'unhealthy' || critical ? 'unhealthy' : failureStatus === 'degraded' || slow ? 'degraded' : 'healthy';
  return {
    status,
    issues,
    failure: { failed, decisions, rate, judged, status: failureStatus, windowStart: f.start },
    processing: { count, meanMs, slow, windowStart: p.start },
    fraud: { flags, critical, windowStart: x.start },
  };
}
