import { refundedStatus, type PaymentEvent, type PaymentEventData, type PaymentStatus } from '@ledger/payments-domain';
import { ProjectionError } from '../runner/projection';
import type { PaymentRow } from './payment-row';

/**
 * The payments read model's rules: the row after `event`, a new object (the
 * row before stays as it was, for the counter read models to compare).
 * Throws ProjectionError on an event the row cannot take; the ledger batch
 * names the event.
 */
export function evolvePaymentRow(row: Readonly<PaymentRow> | undefined, event: PaymentEvent, revision: bigint): PaymentRow {
  if (event.type === 'PaymentCreated') {
    if (row) throw new ProjectionError('payment created twice');
    return newPaymentRow(event.data, revision);
  }
  if (!row) throw new ProjectionError('event for a payment that was never created');
  switch (event.type) {
    case 'PaymentProcessing': {
      const at = new Date(event.data.startedAt);
      return { ...row, revision, status: 'processing', processingAt: at, updatedAt: at };
    }
    case 'PaymentSucceeded': {
      requireCurrency(row, event.data.currency);
      const at = new Date(event.data.succeededAt);
      const processingTimeMs = processingTime(row, event.data, at);
      const providerPaymentId = event.data.providerPaymentId ?? null;
      const status = heldOr(row, 'succeeded');
      const capturedAmount = event.data.amount;
      return { ...row, revision, status, capturedAmount, providerPaymentId, processingTimeMs, succeededAt: at, updatedAt: at };
    }
    case 'PaymentFailed':
    case 'PaymentAttemptFailed': {
      const at = new Date(event.data.failedAt);
      const { errorCode, errorMessage = null } = event.data;
      const processingTimeMs = processingTime(row, event.data, at);
      const status = heldOr(row, 'failed');
      return { ...row, revision, status, errorCode, errorMessage, processingTimeMs, failedAt: at, updatedAt: at };
    }
    case 'PaymentDisputeLinked':
      // The provider's report of a dispute already counted: nothing moves.
      return { ...row, revision };
    case 'PaymentProviderMismatch':
      // Nothing is counted; a mismatch that holds the payment puts it in needs_review until a person settles it.
      return { ...row, revision, status: event.data.holds ? 'needs_review' : row.status };
    case 'PaymentMismatchReviewed':
      return {
        ...row,
        revision,
        status: event.data.stillOpen > 0 ? 'needs_review' : lifecycleOf(row),
        updatedAt: new Date(event.data.reviewedAt),
      };
    case 'PaymentRefunded':
      return withRefundedTotal(row, revision, event.data.currency, event.data.totalRefunded, event.data.refundedAt);
    case 'PaymentRefundReported':
      return withRefundedTotal(row, revision, event.data.currency, event.data.totalRefunded, event.data.reportedAt);
    case 'PaymentRefundReversed':
      return withRefundedTotal(row, revision, event.data.currency, event.data.totalRefunded, event.data.reversedAt);
    case 'PaymentRefundMismatch':
      // Nothing moves: a person decides (the alert and the audit report name it).
      return { ...row, revision };
    case 'PaymentFraudFlagged':
      return { ...row, revision, fraudFlagCount: row.fraudFlagCount + 1, updatedAt: new Date(event.data.flaggedAt) };
    case 'PaymentDisputed': {
      const disputedAmount = row.disputedAmount + event.data.amount;
      return { ...row, revision, disputed: true, disputedAmount, updatedAt: new Date(event.data.disputedAt) };
    }
    case 'PaymentDisputeClosed': {
      const { amount, outcome, closedAt } = event.data;
      const disputeLosses = row.disputeLosses + (outcome === 'lost' ? amount : 0);
      return { ...row, revision, disputedAmount: row.disputedAmount - amount, disputeLosses, updatedAt: new Date(closedAt) };
    }
    default:
      throw new ProjectionError(`unknown event type ${(event as { type: string }).type}`);
  }
}

function newPaymentRow(data: PaymentEventData<'PaymentCreated'>, revision: bigint): PaymentRow {
  const createdAt = new Date(data.createdAt);
  return {
    paymentId: data.paymentId,
    provider: data.provider,
    status: 'pending',
    amount: data.amount,
    currency: data.currency,
    refundedAmount: 0,
    capturedAmount: null,
    customerId: data.customerId ?? null,
    description: data.description ?? null,
    providerPaymentId: null,
    errorCode: null,
    errorMessage: null,
    fraudFlagCount: 0,
    disputed: false,
    disputedAmount: 0,
    disputeLosses: 0,
    processingTimeMs: null,
    createdAt,
    processingAt: null,
    succeededAt: null,
    failedAt: null,
    updatedAt: createdAt,
    revision,
  };
}

/**
 * As given, else from processing (else creation) to the decision, each at the time its event carries (the
 * provider's clock for what a provider reported); never negative: a provider time before our own creation is 0.
 */
function processingTime(
  row: Readonly<PaymentRow>,
  data: PaymentEventData<'PaymentSucceeded' | 'PaymentFailed' | 'PaymentAttemptFailed'>,
  at: Date,
): number {
  if ('processingTimeMs' in data && data.processingTimeMs !== undefined) return data.processingTimeMs;
  return Math.max(0, at.getTime() - (row.processingAt ?? row.createdAt).getTime());
}

/** A payment a mismatch holds stays in needs_review whatever else happens to it, until the review. */
function heldOr(row: Readonly<PaymentRow>, status: PaymentStatus): PaymentStatus {
  return row.status === 'needs_review' ? 'needs_review' : status;
}

/** The status the payment's own facts give it, once nothing holds it. */
function lifecycleOf(row: Readonly<PaymentRow>): PaymentStatus {
  if (row.succeededAt) return row.refundedAmount === 0 ? 'succeeded' : refundedStatus(capturedOf(row), row.refundedAmount);
  if (row.failedAt) return 'failed';
  return row.processingAt ? 'processing' : 'pending';
}

/** Every refund event carries the refunded total after it (see payments-domain/refund-ledger.ts). */
function withRefundedTotal(row: Readonly<PaymentRow>, revision: bigint, currency: string, total: number, at: string): PaymentRow {
  requireCurrency(row, currency);
  const captured = capturedOf(row);
  if (total < 0 || total > captured) throw new ProjectionError(`refunded total ${total} outside 0..${captured}`);
  const status = heldOr(row, total === 0 ? 'succeeded' : refundedStatus(captured, total));
  return { ...row, revision, status, refundedAmount: total, updatedAt: new Date(at) };
}

/** What success captured (rows written before the column: the amount, which success then captured). */
function capturedOf(row: Readonly<PaymentRow>): number {
  return row.capturedAmount ?? row.amount;
}

function requireCurrency(row: Readonly<PaymentRow>, currency: string): void {
  if (currency !== row.currency) throw new ProjectionError(`currency ${currency} differs from the payment's ${row.currency}`);
}
