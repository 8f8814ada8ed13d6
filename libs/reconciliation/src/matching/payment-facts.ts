import type { RecordedEvent } from '@ledger/event-store';
import { isProvider, type PaymentEventData, type Provider } from '@ledger/payments-domain';
import type { FactKind, PaymentFact } from './payment-fact';

/** What one payment event teaches the matcher: facts to add or change, and the payment's row. */
export interface PaymentRow {
  paymentId: string;
  provider: Provider;
  currency?: string;
  amount?: number;
  succeededAt?: string;
}

export interface FactIndex {
  payment(paymentId: string): PaymentRow | undefined;
  setPayment(row: PaymentRow): void;
  fact(kind: FactKind, reference: string): PaymentFact | undefined;
  putFact(fact: PaymentFact, references: readonly (string | undefined)[]): void;
}

/** Folds one payment event into the index. Event types that carry no fact a line can match change nothing. */
export function foldPaymentEvent(index: FactIndex, event: RecordedEvent): void {
  const data = event.data as { paymentId: string };
  if (event.type === 'PaymentCreated') {
    const d = event.data as PaymentEventData<'PaymentCreated'>;
    if (isProvider(d.provider)) index.setPayment({ paymentId: d.paymentId, provider: d.provider, currency: d.currency });
    return;
  }
  const payment = index.payment(data.paymentId);
  if (!payment) return;
  switch (event.type) {
    case 'PaymentSucceeded': {
      const d = event.data as PaymentEventData<'PaymentSucceeded'>;
      index.setPayment({ ...payment, amount: d.amount, currency: d.currency, succeededAt: d.succeededAt });
      index.putFact(
        {
          reference: d.paymentId,
          kind: 'charge',
          paymentId: d.paymentId,
          provider: payment.provider,
          amount: d.amount,
          currency: d.currency,
          ...(d.authorizedAmount !== undefined ? { authorizedAmount: d.authorizedAmount } : {}),
          at: d.succeededAt,
        },
        [d.paymentId, d.providerPaymentId, d.providerChargeId],
      );
      return;
    }
    case 'PaymentRefunded': {
      const d = event.data as PaymentEventData<'PaymentRefunded'>;
      const fact: PaymentFact = {
        reference: d.refundId,
        kind: 'refund',
        paymentId: d.paymentId,
        provider: payment.provider,
        amount: d.amount,
        currency: d.currency,
        at: d.refundedAt,
      };
      index.putFact(fact, [d.refundId, d.providerRefundId]);
      return;
    }
    case 'PaymentRefundReversed': {
      const d = event.data as PaymentEventData<'PaymentRefundReversed'>;
      const fact = index.fact('refund', d.providerRefundId ?? d.refundId) ?? index.fact('refund', d.refundId);
      if (fact) index.putFact({ ...fact, reversed: true }, [d.refundId, d.providerRefundId]);
      return;
    }
    case 'PaymentDisputed': {
      const d = event.data as PaymentEventData<'PaymentDisputed'>;
      const disputeId = d.disputeId ?? d.paymentId;
      index.putFact(
        {
          reference: disputeId,
          kind: 'dispute',
          paymentId: d.paymentId,
          provider: payment.provider,
          amount: d.amount,
          currency: d.currency,
          at: d.disputedAt,
        },
        [disputeId, d.providerDisputeId],
      );
      return;
    }
    case 'PaymentDisputeLinked': {
      const d = event.data as PaymentEventData<'PaymentDisputeLinked'>;
      const fact = index.fact('dispute', d.disputeId);
      if (fact) index.putFact(fact, [d.disputeId, d.providerDisputeId]);
      return;
    }
    case 'PaymentDisputeClosed': {
      const d = event.data as PaymentEventData<'PaymentDisputeClosed'>;
      const fact = index.fact('dispute', d.disputeId);
      if (fact) index.putFact({ ...fact, outcome: d.outcome }, [d.disputeId]);
      return;
    }
    default:
      return;
  }
}
