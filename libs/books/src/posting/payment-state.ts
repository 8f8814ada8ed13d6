import type { PaymentEvent, Provider } from '@ledger/payments-domain';

/** What the payment rules need of a payment, kept by the books themselves (their own checkpoint, their own table). */
export interface BooksPaymentState {
  readonly provider: Provider;
  readonly currency: string;
  /** The refunded total the read models count (each refund once; a reversal takes it out again). */
  readonly refunded: number;
  /** Provider amounts a held mismatch put in suspense, by mismatch id, until a review releases them. */
  readonly suspense: Readonly<Record<string, { readonly amount: number; readonly currency: string }>>;
}

/** Whether a mismatch puts the provider's amount in suspense: it holds the payment and names an amount and currency. */
export function suspendedAmount(event: Extract<PaymentEvent, { type: 'PaymentProviderMismatch' }>) {
  const { holds, provider } = event.data;
  if (!holds || provider.amount === undefined || provider.currency === undefined || provider.amount === 0) return undefined;
  return { amount: provider.amount, currency: provider.currency };
}

/** The books' state after the event (undefined before the payment's creation). */
export function evolveBooksState(state: BooksPaymentState | undefined, event: PaymentEvent): BooksPaymentState | undefined {
  if (event.type === 'PaymentCreated') return { provider: event.data.provider, currency: event.data.currency, refunded: 0, suspense: {} };
  if (!state) return state;
  switch (event.type) {
    case 'PaymentRefunded':
    case 'PaymentRefundReported':
    case 'PaymentRefundReversed':
      return { ...state, refunded: event.data.totalRefunded };
    case 'PaymentProviderMismatch': {
      const held = suspendedAmount(event);
      if (!held || state.suspense[event.data.mismatchId]) return state;
      return { ...state, suspense: { ...state.suspense, [event.data.mismatchId]: held } };
    }
    case 'PaymentMismatchReviewed': {
      if (!state.suspense[event.data.mismatchId]) return state;
      const { [event.data.mismatchId]: released, ...rest } = state.suspense;
      void released;
      return { ...state, suspense: rest };
    }
    default:
      return state;
  }
}
