import { percent, round2, type Health, type HealthStatus } from '../dashboard/shapes';

export interface HealthWindow {
  minuteStart: Date;
  succeeded: number;
  failed: number;
  processingTimeSumMs: number;
  processingCount: number;
  fraudFlags: number;
}

export const HEALTH_THRESHOLDS = {
  windowMinutes: 15,
  degradedFailureRate: 5,
  unhealthyFailureRate: 10,
  slowProcessingMs: 5000,
  fraudPerHour: 10,
} as const;

const MINUTE = 60_000;

/**
 * The seed's criteria: healthy below 5% failures over the last 15 minutes;
 * degraded at 5–10% or with a mean processing time above 5 s; unhealthy above
 * 10% or with more than 10 fraud flags in the last hour. A minute bucket is in
 * a window when it starts within (now − window, now].
 */
export function computeHealth(windows: readonly HealthWindow[], now: Date): Health {
  const t = HEALTH_THRESHOLDS;
  const within = (minutes: number) =>
    windows.filter((w) => w.minuteStart.getTime() > now.getTime() - minutes * MINUTE && w.minuteStart.getTime() <= now.getTime());
  const recent = within(t.windowMinutes);
  const total = (list: HealthWindow[], pick: (w: HealthWindow) => number) => list.reduce((acc, w) => acc + pick(w), 0);
  const succeeded = total(recent, (w) => w.succeeded);
  const failed = total(recent, (w) => w.failed);
  const count = total(recent, (w) => w.processingCount);
  const failureRate = percent(failed, succeeded + failed);
  const averageProcessingTimeMs = count === 0 ? null : round2(total(recent, (w) => w.processingTimeSumMs) / count);
  const fraudFlagsLastHour = total(within(60), (w) => w.fraudFlags);

  const issues: string[] = [];
  let status: HealthStatus = 'healthy';
  const worsen = (to: HealthStatus) => {
    if (to === 'unhealthy' || status === 'healthy') status = to;
  };
  if (failureRate > t.unhealthyFailureRate) {
    worsen('unhealthy');
    issues.push(`Failure rate ${failureRate}% over the last ${t.windowMinutes} minutes is above ${t.unhealthyFailureRate}%`);
  } else if (failureRate >= t.degradedFailureRate) {
    worsen('degraded');
    issues.push(`Failure rate ${failureRate}% over the last ${t.windowMinutes} minutes is at or above ${t.degradedFailureRate}%`);
  }
  if (averageProcessingTimeMs !== null && averageProcessingTimeMs > t.slowProcessingMs) {
    worsen('degraded');
    issues.push(
      `Slow processing: average ${averageProcessingTimeMs} ms over the last ${t.windowMinutes} minutes (limit ${t.slowProcessingMs} ms)`,
    );
  }
  if (fraudFlagsLastHour > t.fraudPerHour) {
    worsen('unhealthy');
    issues.push(`${fraudFlagsLastHour} fraud flags in the last hour (limit ${t.fraudPerHour})`);
  }
  return {
    status,
    issues,
    metrics: { windowMinutes: t.windowMinutes, succeeded, failed, failureRate, averageProcessingTimeMs, fraudFlagsLastHour },
  };
}
