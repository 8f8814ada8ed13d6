import type { Pool } from 'pg';
import { alertKey, newAlert, type AlertPayload } from '../alerts/alert';
import { writeToOutbox } from '../outbox/alert-outbox';
import type { AlertSettings } from '../rules/alert-settings';

export interface RateLimitViolationReport {
  readonly limitClass: string;
  /** Whose bucket: `customer:…`, `ip:…`, `key:…`, `payment:…`. */
  readonly subject: string;
  /** Refusals of this subject in the limiter's hour-long violation window. */
  readonly violations: number;
  readonly at?: Date;
}

/**
 * For ledger-api's rate limiter: above the threshold, one critical alert per
 * class, subject and hour goes into the outbox (the relay does the rest), so
 * every API instance may report the same burst without doubling it.
 */
export async function reportRateLimitViolations(
  pool: Pick<Pool, 'query'>,
  report: RateLimitViolationReport,
  settings: Pick<AlertSettings, 'rateLimitViolations'>,
): Promise<AlertPayload | undefined> {
  if (report.violations < settings.rateLimitViolations) return undefined;
  const at = report.at ?? new Date();
  const hour = new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);
  const alert = newAlert({
    key: alertKey('rate_limit_violations', report.limitClass, report.subject, hour.toISOString()),
    rule: 'rate_limit_violations',
    kind: 'raised',
    severity: 'critical',
    provider: null,
    title: `${report.violations} refused ${report.limitClass} requests from ${report.subject} this hour (threshold ${settings.rateLimitViolations})`,
    value: report.violations,
    threshold: settings.rateLimitViolations,
    windowStart: hour.toISOString(),
    windowEnd: new Date(hour.getTime() + 3_600_000).toISOString(),
    raisedAt: at.toISOString(),
    details: { limitClass: report.limitClass, subject: report.subject },
  });
  await writeToOutbox(pool, [alert]);
  return alert;
}
