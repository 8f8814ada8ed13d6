import type { ReportProviderMismatch, ReviewMismatch } from './commands';
import { definedOnly } from './defined';
import { CurrencyMismatchError, InvalidStateTransitionError, NothingToReviewError } from './errors';
import type { PaymentEvent } from './events';
import { assertMinorAmount } from './money';
import type { PaymentState } from './payment';

/** A mismatch as decide sees it: whether it still holds the payment, and the provider's side to book on acceptance. */
export interface MismatchEntry {
  readonly holds: boolean;
  readonly open: boolean;
  readonly amount?: number;
  readonly currency?: string;
  /** The provider's payment object (PaymentIntent, charge, Paystack reference) the mismatch came from. */
  readonly reference?: string;
  /** When the provider reported it (its clock): a success accepted from it happened then. */
  readonly at: string;
}

/** Dispute losses so far: with refunds, never above the captured amount unless the provider reports it. */
export function disputeLosses(state: PaymentState): number {
  return Object.values(state.disputes).reduce((sum, d) => sum + (!d.open && d.outcome === 'lost' ? d.amount : 0), 0);
}

/**
 * A mismatch the domain itself finds in a provider's report it books anyway (a dispute above the charge, a refund or
 * loss that takes refunds plus losses above the capture): kept with both sides, once per id; it does not hold the payment.
 */
export function overCapture(
  state: PaymentState,
  paymentId: string,
  mismatchId: string,
  subject: 'refund' | 'dispute',
  amount: number,
  references: readonly string[],
  at: string,
): PaymentEvent[] {
  if (state.mismatches[mismatchId]) return [];
  const currency = state.currency ?? '';
  const data = {
    paymentId,
    mismatchId,
    subject,
    kind: 'amount' as const,
    holds: false,
    ours: { amount: state.captured, currency },
    provider: { amount, currency, references: [...references] },
    detectedAt: at,
  };
  return [{ type: 'PaymentProviderMismatch', data }];
}

/** Mismatches still holding the payment, oldest first (the order they were reported in). */
export function openHolds(state: PaymentState): string[] {
  return Object.keys(state.mismatches).filter((id) => state.mismatches[id].holds && state.mismatches[id].open);
}

/**
 * A provider fact that contradicts the books is kept with both sides, once per fact (the same object reported
 * again by another delivery is the same mismatch), whatever the payment's status.
 */
export function decideMismatch(command: ReportProviderMismatch | ReviewMismatch, state: PaymentState): PaymentEvent[] {
  const { paymentId } = command.data;
  const at = command.now.toISOString();
  if (command.type === 'ReportProviderMismatch') {
    const { mismatchId, subject, kind, holds, provider, eventType } = command.data;
    if (state.mismatches[mismatchId]) return [];
    if (provider.amount !== undefined) assertMinorAmount(provider.amount);
    const ours = definedOnly({ amount: state.status === 'succeeded' ? state.captured : state.amount, currency: state.currency });
    const data = { paymentId, mismatchId, subject, kind, holds, ours, provider: definedOnly({ ...provider }), eventType, detectedAt: at };
    return [{ type: 'PaymentProviderMismatch', data: definedOnly(data) }];
  }

  const { decision, note } = command.data;
  const [mismatchId, ...others] = openHolds(state);
  if (!mismatchId) throw new NothingToReviewError(paymentId);
  const mismatch = state.mismatches[mismatchId];
  const reviewed: PaymentEvent = {
    type: 'PaymentMismatchReviewed',
    data: definedOnly({
      paymentId,
      mismatchId,
      decision,
      note,
      amount: mismatch.amount,
      currency: mismatch.currency,
      stillOpen: others.length,
      reviewedAt: at,
    }),
  };
  if (decision !== 'accept_provider') return [reviewed];
  // Accepting books the provider's amount as this payment's capture: only in the payment's own currency, and once.
  if (state.status === 'succeeded') throw new InvalidStateTransitionError('succeeded', 'ReviewMismatch');
  const { amount, currency } = mismatch;
  if (amount === undefined || currency === undefined || currency !== state.currency) {
    throw new CurrencyMismatchError(state.currency ?? '', currency ?? '');
  }
  const success = {
    paymentId,
    amount,
    currency,
    providerPaymentId: mismatch.reference,
    succeededAt: mismatch.at,
  };
  return [reviewed, { type: 'PaymentSucceeded', data: definedOnly(success) }];
}
