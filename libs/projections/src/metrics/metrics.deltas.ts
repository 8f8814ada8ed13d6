import { DeltaTable } from '../sql/delta-table';

export const METRIC_COUNTERS = [
  'payments_created', 'payments_succeeded', 'payments_failed', 'payments_refunded', 'payments_disputed',
  'volume_created', 'volume_succeeded', 'volume_refunded', 'processing_time_sum_ms', 'processing_time_count', 'fraud_flags',
] as const;

export type MetricCounter = (typeof METRIC_COUNTERS)[number];

/** Keyed by (provider, currency): every payment lands in exactly one row. */
export const metricsDeltas = () =>
  new DeltaTable<MetricCounter>({
    table: 'payment_metrics',
    keys: [{ name: 'provider', type: 'text' }, { name: 'currency', type: 'text' }],
    counters: METRIC_COUNTERS,
    counterTypes: { volume_created: 'numeric', volume_succeeded: 'numeric', volume_refunded: 'numeric', processing_time_sum_ms: 'numeric' },
  });
