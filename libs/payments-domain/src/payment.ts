import type { PaymentCommand, PaymentCommandType } from './commands';
import { decideDispute, type DisputeEntry } from './disputes';
import { CurrencyMismatchError, InvalidStateTransitionError, PaymentAlreadyExistsError, PaymentNotFoundError } from './errors';
import type { PaymentEvent, Provider } from './events';
import { definedOnly } from './defined';
import { decideMismatch, openHolds, type MismatchEntry } from './mismatches';
import { assertKnownCurrency, assertPositiveMinorAmount } from './money';
import { emptyRefundLedger, isConfirmedRefund, withRefund, withReport, withReversal, type RefundLedger } from './refund-ledger';
import { decideRefund } from './refunds';

export type PaymentLifecycle = 'none' | 'pending' | 'processing' | 'succeeded' | 'failed';

/** Only what decide needs; every other view of a payment is a projection. */
export interface PaymentState {
  status: PaymentLifecycle;
  provider?: Provider;
  currency?: string;
  amount: number;
  captured: number;
  /** The refunded total (see refund-ledger.ts), kept beside the ledger it derives from. */
  refunded: number;
  refunds: RefundLedger;
  /** Ever disputed. */
  disputed: boolean;
  disputes: Readonly<Record<string, DisputeEntry>>;
  fraudFlags: number;
  /** `failed` by the API's decision (final), not by a failed attempt the provider reported (a later success may follow). */
  finalFailure: boolean;
  /** The provider's ids of the failed attempts recorded: a repeat of one records nothing. */
  attempts: Readonly<Record<string, true>>;
  /** Provider facts that contradicted the books, by mismatch id, in the order reported. */
  mismatches: Readonly<Record<string, MismatchEntry>>;
}

export type PaymentStatus = 'pending' | 'processing' | 'succeeded' | 'failed' | 'partially_refunded' | 'refunded' | 'needs_review';

export function initialState(): PaymentState {
  return {
    status: 'none',
    amount: 0,
    captured: 0,
    refunded: 0,
    refunds: emptyRefundLedger(),
    disputed: false,
    disputes: {},
    fraudFlags: 0,
    finalFailure: false,
    attempts: {},
    mismatches: {},
  };
}

/** The contract's status, or undefined when the payment does not exist. */
export function paymentStatus(state: PaymentState): PaymentStatus | undefined {
  if (state.status === 'none') return undefined;
  if (openHolds(state).length > 0) return 'needs_review';
  if (state.status !== 'succeeded' || state.refunded === 0) return state.status;
  return refundedStatus(state.captured, state.refunded);
}

/** The status of a succeeded payment with some refund: refunded once the refunds reach what was captured. */
export function refundedStatus(captured: number, refunded: number): 'refunded' | 'partially_refunded' {
  return refunded >= captured ? 'refunded' : 'partially_refunded';
}

const timeOf = (iso: string): number => Date.parse(iso);
const isLegacyTotalId = (refundId: string, providerRefundId?: string): boolean =>
  providerRefundId === undefined && /^ch_[A-Za-z0-9]+@\d+$/.test(refundId);

export function evolve(state: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'PaymentCreated': {
      const { provider, amount, currency } = event.data;
      return { ...state, status: 'pending', provider, amount, currency };
    }
    case 'PaymentProcessing':
      return { ...state, status: 'processing' };
    case 'PaymentSucceeded':
      return { ...state, status: 'succeeded', captured: event.data.amount };
    case 'PaymentFailed':
      return { ...state, status: 'failed', finalFailure: true };
    case 'PaymentAttemptFailed': {
      const { attemptId } = event.data;
      const attempts = attemptId ? { ...state.attempts, [attemptId]: true as const } : state.attempts;
      return { ...state, status: 'failed', attempts };
    }
    case 'PaymentProviderMismatch': {
      const { mismatchId, holds, provider, detectedAt } = event.data;
      const entry: MismatchEntry = {
        holds,
        open: true,
        amount: provider.amount,
        currency: provider.currency,
        reference: provider.references?.[0],
        at: detectedAt,
      };
      return { ...state, mismatches: { ...state.mismatches, [mismatchId]: entry } };
    }
    case 'PaymentMismatchReviewed': {
      const entry = state.mismatches[event.data.mismatchId];
      if (!entry) return state;
      return { ...state, mismatches: { ...state.mismatches, [event.data.mismatchId]: { ...entry, open: false } } };
    }
    case 'PaymentRefunded': {
      const { providerRefundId, refundId, amount, refundedAt, totalRefunded } = event.data;
      // Stored before cumulative reports had their own event: `<charge>@<total>` named no refund, it reported a total.
      const refunds = isLegacyTotalId(refundId, providerRefundId)
        ? withReport(state.refunds, totalRefunded)
        : withRefund(
            state.refunds,
            providerRefundId ?? refundId,
            amount,
            timeOf(refundedAt),
            isConfirmedRefund(refundId, providerRefundId),
          );
      return { ...state, refunds, refunded: totalRefunded };
    }
    case 'PaymentRefundReported':
      return { ...state, refunds: withReport(state.refunds, event.data.reportedTotal), refunded: event.data.totalRefunded };
    case 'PaymentRefundReversed': {
      const { providerRefundId, refundId, amount, reversedAt, totalRefunded } = event.data;
      const refunds = withReversal(state.refunds, providerRefundId ?? refundId, amount, timeOf(reversedAt));
      return { ...state, refunds, refunded: totalRefunded };
    }
    case 'PaymentFraudFlagged':
      return { ...state, fraudFlags: state.fraudFlags + 1 };
    case 'PaymentDisputed': {
      const { disputeId, paymentId, providerDisputeId, amount } = event.data;
      const entry: DisputeEntry = { amount, open: true, providerDisputeId };
      return { ...state, disputed: true, disputes: { ...state.disputes, [disputeId ?? paymentId]: entry } };
    }
    case 'PaymentDisputeLinked': {
      const { disputeId, providerDisputeId } = event.data;
      const entry = state.disputes[disputeId];
      if (!entry) return state;
      return { ...state, disputes: { ...state.disputes, [disputeId]: { ...entry, providerDisputeId } } };
    }
    case 'PaymentDisputeClosed': {
      const { disputeId, outcome } = event.data;
      const entry = state.disputes[disputeId];
      if (!entry) return state;
      return { ...state, disputes: { ...state.disputes, [disputeId]: { ...entry, open: false, outcome } } };
    }
    default:
      // PaymentRefundMismatch, and event types newer than this code: they change nothing decide relies on.
      return state;
  }
}

export function foldPayment(events: readonly PaymentEvent[]): PaymentState {
  return events.reduce(evolve, initialState());
}

export function decide(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  const { paymentId } = command.data;
  const at = command.now.toISOString();

  if (command.type === 'CreatePayment') {
    if (state.status !== 'none') throw new PaymentAlreadyExistsError(paymentId);
    const { provider, amount, currency, customerId, description, card, metadata, risk } = command.data;
    assertPositiveMinorAmount(amount);
    assertKnownCurrency(currency);
    const data = { paymentId, provider, amount, currency, customerId, description, card, metadata, risk, createdAt: at };
    return [{ type: 'PaymentCreated', data: definedOnly(data) }];
  }
  if (state.status === 'none') throw new PaymentNotFoundError(paymentId);

  switch (command.type) {
    case 'StartProcessing':
      requireStatus(state, 'pending', command.type);
      return [{ type: 'PaymentProcessing', data: { paymentId, startedAt: at } }];

    case 'MarkPaymentSucceeded': {
      const { providerPaymentId, providerChargeId, processingTimeMs, amount, currency, authorizedAmount } = command.data;
      // A failed attempt does not end a payment: a later success may follow. The API's own failure does.
      if (!(state.status === 'failed' && !state.finalFailure)) requireStatus(state, 'processing', command.type);
      // While a mismatch holds the payment only the provider's own report of a capture moves it, never our amount.
      if (amount === undefined && openHolds(state).length > 0) throw new InvalidStateTransitionError('needs_review', command.type);
      if (currency !== undefined && currency !== state.currency) throw new CurrencyMismatchError(state.currency ?? '', currency);
      if (amount !== undefined) assertPositiveMinorAmount(amount);
      const data = {
        paymentId,
        amount: amount ?? state.amount,
        currency: state.currency ?? '',
        providerPaymentId,
        providerChargeId,
        authorizedAmount: authorizedAmount === amount ? undefined : authorizedAmount,
        processingTimeMs,
        succeededAt: at,
      };
      return [{ type: 'PaymentSucceeded', data: definedOnly(data) }];
    }

    case 'RecordAttemptFailure': {
      if (!(state.status === 'failed' && !state.finalFailure)) requireStatus(state, 'processing', command.type);
      const { attemptId, providerPaymentId, errorCode, errorMessage, risk } = command.data;
      if (attemptId && state.attempts[attemptId]) return [];
      const data = { paymentId, attemptId, providerPaymentId, errorCode, errorMessage, risk, failedAt: at };
      return [{ type: 'PaymentAttemptFailed', data: definedOnly(data) }];
    }

    case 'ReportProviderMismatch':
    case 'ReviewMismatch':
      return decideMismatch(command, state);

    case 'MarkPaymentFailed': {
      requireStatus(state, 'processing', command.type);
      const { errorCode, errorMessage, processingTimeMs } = command.data;
      const data = { paymentId, errorCode, errorMessage, processingTimeMs, failedAt: at };
      return [{ type: 'PaymentFailed', data: definedOnly(data) }];
    }

    case 'RefundPayment':
    case 'ReportRefundTotal':
    case 'ReverseRefund':
      requireStatus(state, 'succeeded', command.type);
      return decideRefund(command, state);

    case 'FlagFraud': {
      const { reason, score, rule, window, count, threshold, paymentIds, tripId } = command.data;
      const finding = { rule, window, count, threshold, paymentIds, tripId };
      return [{ type: 'PaymentFraudFlagged', data: definedOnly({ paymentId, reason, score, ...finding, flaggedAt: at }) }];
    }

    case 'OpenDispute':
    case 'CloseDispute':
      return decideDispute(command, state);

    default: {
      const unhandled: never = command;
      throw new Error(`Unhandled payment command ${JSON.stringify(unhandled)}`);
    }
  }
}

export function requireStatus(state: PaymentState, expected: PaymentLifecycle, command: PaymentCommandType): void {
  if (state.status !== expected) throw new InvalidStateTransitionError(paymentStatus(state) ?? 'none', command);
}
