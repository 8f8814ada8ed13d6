import type { PaymentEvent } from '@ledger/payments-domain';
import { postPaymentEvent, type Posting } from '../posting/payment-rules';
import { evolveBooksState, type BooksPaymentState } from '../posting/payment-state';

/** Posting specs: given these events (of one payment), then the entries of the last `when` events, in order. */
export function given(...history: PaymentEvent[]) {
  let state: BooksPaymentState | undefined;
  for (const event of history) state = evolveBooksState(state, event);
  return {
    when(...events: PaymentEvent[]): (Posting | undefined)[] {
      return events.map((event) => {
        const posting = postPaymentEvent(event, state);
        state = evolveBooksState(state, event);
        return posting;
      });
    },
  };
}

const at = (time: string) => `2026-11-21T${time}Z`;
type Of<T extends PaymentEvent['type']> = Extract<PaymentEvent, { type: T }>;

export const created = (data: Partial<Of<'PaymentCreated'>['data']> = {}): Of<'PaymentCreated'> => ({
  type: 'PaymentCreated',
  data: { paymentId: 'pay_1', provider: 'stripe', amount: 10_000, currency: 'USD', createdAt: at('10:00:00.000'), ...data },
});
export const succeeded = (data: Partial<Of<'PaymentSucceeded'>['data']> = {}): Of<'PaymentSucceeded'> => ({
  type: 'PaymentSucceeded',
  data: { paymentId: 'pay_1', amount: 10_000, currency: 'USD', succeededAt: at('10:00:03.000'), ...data },
});
export const refunded = (amount: number, totalRefunded: number, refundId = `re_${totalRefunded}`): Of<'PaymentRefunded'> => ({
  type: 'PaymentRefunded',
  data: { paymentId: 'pay_1', refundId, amount, currency: 'USD', totalRefunded, refundedAt: at('11:00:00.000') },
});
export const refundReported = (reportedTotal: number, counted: number, totalRefunded: number): Of<'PaymentRefundReported'> => ({
  type: 'PaymentRefundReported',
  data: { paymentId: 'pay_1', reportedTotal, counted, currency: 'USD', totalRefunded, reportedAt: at('11:30:00.000') },
});
export const refundReversed = (amount: number, counted: number, totalRefunded: number, refundId = 're_1'): Of<'PaymentRefundReversed'> => ({
  type: 'PaymentRefundReversed',
  data: { paymentId: 'pay_1', refundId, amount, counted, currency: 'USD', totalRefunded, reversedAt: at('12:00:00.000') },
});
export const disputed = (amount: number, disputeId = 'dp_1'): Of<'PaymentDisputed'> => ({
  type: 'PaymentDisputed',
  data: { paymentId: 'pay_1', disputeId, reason: 'fraudulent', amount, currency: 'USD', disputedAt: at('13:00:00.000') },
});
export const disputeClosed = (
  outcome: Of<'PaymentDisputeClosed'>['data']['outcome'],
  amount: number,
  disputeId = 'dp_1',
): Of<'PaymentDisputeClosed'> => ({
  type: 'PaymentDisputeClosed',
  data: { paymentId: 'pay_1', disputeId, outcome, amount, currency: 'USD', closedAt: at('14:00:00.000') },
});
export const mismatch = (
  provider: { amount?: number; currency?: string },
  holds = true,
  mismatchId = 'payment:pi_1',
): Of<'PaymentProviderMismatch'> => ({
  type: 'PaymentProviderMismatch',
  data: {
    paymentId: 'pay_1',
    mismatchId,
    subject: 'payment',
    kind: provider.currency && provider.currency !== 'USD' ? 'currency' : 'amount',
    holds,
    ours: { amount: 10_000, currency: 'USD' },
    provider: { ...provider, references: ['pi_1'] },
    detectedAt: at('10:00:04.000'),
  },
});
export const reviewed = (
  decision: Of<'PaymentMismatchReviewed'>['data']['decision'],
  mismatchId = 'payment:pi_1',
): Of<'PaymentMismatchReviewed'> => ({
  type: 'PaymentMismatchReviewed',
  data: { paymentId: 'pay_1', mismatchId, decision, note: 'checked', stillOpen: 0, reviewedAt: at('15:00:00.000') },
});

/** `[account, currency, debit, credit]` per line: short to read in a spec. */
export const lines = (posting: Posting | undefined) => posting?.lines.map((l) => [l.account, l.currency, l.debit, l.credit]);
