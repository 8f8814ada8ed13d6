import { createHash } from 'node:crypto';

/** Queue names: the relay produces, apps/alert-worker consumes. */
export const ALERT_QUEUE = 'ledger-alerts';
export const ALERT_JOB_NAME = 'deliver-alert';

export const ALERT_RULES = [
  'failure_rate',
  'processing_time',
  'fraud_flags',
  'suspicious_amount',
  'health_status',
  'rate_limit_violations',
  'provider_silent',
  'projection_stalled',
  'refund_mismatch',
  'provider_mismatch',
  'fraud_velocity',
  'reconciliation_break',
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

export type AlertSeverity = 'critical' | 'warning' | 'info';
export type AlertKind = 'raised' | 'recovered';
export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** The job payload, the webhook body and the alerts table row all carry this shape. */
export interface AlertPayload {
  /** Deterministic from `key`: the BullMQ job id and every sink's idempotency key. */
  readonly id: string;
  /** rule | provider-or-subject | window start [| recovered]. */
  readonly key: string;
  readonly rule: AlertRule;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly provider: string | null;
  readonly title: string;
  readonly value: number;
  readonly threshold: number;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly raisedAt: string;
  /** On a recovery: the id of the alert it resolves. */
  readonly resolves?: string;
  readonly details?: Readonly<Record<string, string | number | null>>;
}

export type AlertJob = AlertPayload;

/** BullMQ refuses ':' and integer-looking custom ids, hence a prefixed hash. */
export function alertIdOf(key: string): string {
  return `alert-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

export function alertKey(...parts: readonly (string | null | undefined)[]): string {
  return parts.map((p) => p ?? '-').join('|');
}

export function newAlert(fields: Omit<AlertPayload, 'id'>): AlertPayload {
  return { id: alertIdOf(fields.key), ...fields };
}
