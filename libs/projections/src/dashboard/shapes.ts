import type { HealthStatus } from '@ledger/monitoring';
import type { EventView } from '@ledger/event-store';
import type { Provider } from '@ledger/payments-domain';

/** The dashboard's filter; absent provider / currency means all. */
export interface DashboardFilter {
  readonly provider?: Provider;
  readonly currency?: string;
}

export interface VolumeRow {
  currency: string;
  total: string;
  succeeded: string;
  refunded: string;
  /** Amounts under an open dispute now. */
  disputed: string;
  /** Amounts of disputes lost. */
  disputeLosses: string;
  /** succeeded − refunded − disputeLosses. */
  net: string;
}

export interface Metrics {
  provider: Provider | null;
  counts: {
    total: number;
    pending: number;
    processing: number;
    succeeded: number;
    /** Payments failed now (a failed attempt a later success followed is not). */
    failed: number;
    /** Failed attempts: each the provider reported, and each failure the API recorded. */
    failedAttempts: number;
    refunded: number;
    disputed: number;
    /** Payments a provider mismatch holds until a person reviews it. */
    needsReview: number;
  };
  volumes: VolumeRow[];
  rates: { success: number; failure: number; refund: number };
  averageProcessingTimeMs: number | null;
  fraud: { attempts: number; suspicious: number };
}

export interface Breakdown {
  pending: number;
  processing: number;
  succeeded: number;
  failed: number;
  partially_refunded: number;
  refunded: number;
  needs_review: number;
}

export interface VolumeBucket {
  bucketStart: string;
  currency: string;
  count: number;
  volume: string;
}

/** CONTRACT.md's event shape (the same as GET /v1/payments/:id/events). */
export type DashboardEvent = EventView;

export interface FailedPayment {
  paymentId: string;
  provider: Provider;
  amount: number;
  currency: string;
  errorCode: string;
  failedAt: string;
}

export interface ErrorCount {
  code: string;
  count: number;
}

export type { HealthStatus };

export interface Health {
  status: HealthStatus;
  issues: string[];
  metrics: {
    windowMinutes: number;
    succeeded: number;
    failed: number;
    failureRate: number;
    averageProcessingTimeMs: number | null;
    fraudFlagsLastHour: number;
  };
}

export interface PaymentDashboard {
  metrics: Metrics;
  breakdown: Breakdown;
  volumeOverTime: VolumeBucket[];
  recentEvents: DashboardEvent[];
  failedPayments: FailedPayment[];
  errors: ErrorCount[];
  health: Health;
}

/** Percent with 2 decimals; 0 when the denominator is 0. */
export function percent(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : round2((numerator * 100) / denominator);
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export const FILTER_SQL = `($1::text IS NULL OR provider = $1) AND ($2::text IS NULL OR currency = $2)`;

export function filterParams(filter: DashboardFilter): [string | null, string | null] {
  return [filter.provider ?? null, filter.currency ?? null];
}
