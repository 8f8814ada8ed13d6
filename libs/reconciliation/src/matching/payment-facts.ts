import type { EventStore, RecordedEvent } from '@ledger/event-store';
import { isProvider, StreamUpcaster, type Provider } from '@ledger/payments-domain';
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

/**
 * Payment events stored before issue 28 (schema v1) may hold a provider's own units (a Stripe ISK payment ×100):
 * every one is read through the payments' upcaster, so a fact's amount is in ISO minor units as the report lines
 * are. One per process, as the books' live reader: a stream's correction is decided by its PaymentCreated, which
 * comes first in the log (a batch that starts mid-stream learns it through learnPaymentStreams).
 */
const upcaster = new StreamUpcaster();

/** A batch's payment streams whose PaymentCreated this process has not read and whose amounts may need it: read it first. */
export function learnPaymentStreams(events: readonly RecordedEvent[], store?: Pick<EventStore, 'readStream'>): Promise<void> {
  return upcaster.learnStreams(events, store);
}

/** Folds one payment event, upcast, into the index. Event types that carry no fact a line can match change nothing. */
export function foldPaymentEvent(index: FactIndex, stored: RecordedEvent): void {
  const event = upcaster.read(stored);
  const data = event.data as { paymentId: string };
  if (event.type === 'PaymentCreated') {
    const d = event.data;
    if (isProvider(d.provider)) index.setPayment({ paymentId: d.paymentId, provider: d.provider, currency: d.currency });
    return;
  }
  const payment = index.payment(data.paymentId);
  if (!payment) return;
  switch (event.type) {
    case 'PaymentSucceeded': {
      const d = event.data;
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
      const d = event.data;
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
      const d = event.data;
      const fact = index.fact('refund', d.providerRefundId ?? d.refundId) ?? index.fact('refund', d.refundId);
      if (fact) index.putFact({ ...fact, reversed: true }, [d.refundId, d.providerRefundId]);
      return;
    }
    case 'PaymentDisputed': {
      const d = event.data;
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
      const d = event.data;
      const fact = index.fact('dispute', d.disputeId);
      if (fact) index.putFact(fact, [d.disputeId, d.providerDisputeId]);
      return;
    }
    case 'PaymentDisputeClosed': {
      const d = event.data;
      const fact = index.fact('dispute', d.disputeId);
      if (fact) index.putFact({ ...fact, outcome: d.outcome }, [d.disputeId]);
      return;
    }
    default:
      return;
  }
}
