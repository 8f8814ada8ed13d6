import type { AlertRule, AlertSeverity } from '../alerts/alert';

/** The severity each rule raises with (a recovery is always `info`). Typed over every rule: a new rule must say. */
const RAISED_AS: Readonly<Record<AlertRule, AlertSeverity>> = {
  failure_rate: 'critical',
  processing_time: 'warning',
  fraud_flags: 'critical',
  suspicious_amount: 'warning',
  health_status: 'warning',
  rate_limit_violations: 'critical',
  provider_silent: 'critical',
  projection_stalled: 'critical',
  refund_mismatch: 'warning',
  provider_mismatch: 'critical',
  fraud_velocity: 'critical',
  reconciliation_break: 'warning',
};

/**
 * Every (rule, severity) an alert job can carry: the closed label set of the alert-worker's counters, which
 * are exported at 0 for each from the start (a board shows 0 for what never happened, not "No data").
 */
export const ALERT_RULE_SEVERITIES: Readonly<Record<AlertRule, readonly AlertSeverity[]>> = Object.fromEntries(
  Object.entries(RAISED_AS).map(([rule, severity]) => [rule, severity === 'info' ? ['info'] : [severity, 'info']]),
) as Record<AlertRule, AlertSeverity[]>;
