import type { CounterProjection } from '../ledger/payment-change';
import type { PaymentRow } from '../payments/payment-row';

/** `counts.failed`: failed now (a failed attempt followed by a success is not). */
const failedNow = (row: Readonly<PaymentRow> | undefined): boolean => !!row && row.failedAt !== null && row.succeededAt === null;

const METRIC_COUNTERS = [
  'payments_created',
  'payments_succeeded',
  'payments_failed',
  'payments_refunded',
  'payments_disputed',
  'volume_created',
  'volume_succeeded',
  'volume_refunded',
  'processing_time_sum_ms',
  'processing_time_count',
  'fraud_flags',
  'volume_disputed',
  'volume_dispute_losses',
] as const;

export type MetricCounter = (typeof METRIC_COUNTERS)[number];

/** Lifetime counters keyed by (provider, currency): every payment lands in exactly one row. */
export const metricsProjection: CounterProjection<MetricCounter> = {
  table: {
    table: 'payment_metrics',
    keys: [
      { name: 'provider', type: 'text' },
      { name: 'currency', type: 'text' },
    ],
    counters: METRIC_COUNTERS,
    counterTypes: {
      volume_created: 'numeric',
      volume_succeeded: 'numeric',
      volume_refunded: 'numeric',
      processing_time_sum_ms: 'numeric',
      volume_disputed: 'numeric',
      volume_dispute_losses: 'numeric',
    },
  },
  project({ event, before, after }, add) {
    const key = [after.provider, after.currency];
    const failed = Number(failedNow(after)) - Number(failedNow(before));
    if (failed !== 0) add(key, { payments_failed: failed });
    switch (event.type) {
      case 'PaymentCreated':
        return add(key, { payments_created: 1, volume_created: after.amount });
      case 'PaymentSucceeded': {
        const ms = after.processingTimeMs as number;
        return add(key, {
          payments_succeeded: 1,
          volume_succeeded: event.data.amount,
          processing_time_sum_ms: ms,
          processing_time_count: 1,
        });
      }
      case 'PaymentFailed':
        // The API's final decision; a failed attempt (PaymentAttemptFailed) decides nothing, so it times nothing.
        return add(key, { processing_time_sum_ms: after.processingTimeMs as number, processing_time_count: 1 });
      case 'PaymentRefunded':
      case 'PaymentRefundReported':
      case 'PaymentRefundReversed': {
        // Each refund counts once, whichever channel reported it: the volume follows the refunded total.
        const refunded = after.refundedAmount - (before?.refundedAmount ?? 0);
        // A payment counts as refunded while it has any refund (a full reversal takes it out again).
        const payments = Number(after.refundedAmount > 0) - Number((before?.refundedAmount ?? 0) > 0);
        return add(key, { volume_refunded: refunded, payments_refunded: payments });
      }
      case 'PaymentFraudFlagged':
        return add(key, { fraud_flags: 1 });
      case 'PaymentDisputed':
        if (!before?.disputed) add(key, { payments_disputed: 1 });
        return add(key, { volume_disputed: event.data.amount });
      case 'PaymentDisputeClosed':
        return add(key, {
          volume_disputed: -event.data.amount,
          volume_dispute_losses: event.data.outcome === 'lost' ? event.data.amount : 0,
        });
    }
  },
};
