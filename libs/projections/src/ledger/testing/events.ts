import type { PaymentEvent, PaymentEventData, PaymentEventOf } from '@ledger/payments-domain';

/** Events of payment `pay_1` (stripe, 10,000 USD minor units) unless told otherwise; times on 2025-11-21 UTC. */
const PAYMENT = 'pay_1';

const on = (time: string) => `2025-11-21T${time}Z`;

/** The same events, of another payment. */
export function ofPayment(paymentId: string, ...events: PaymentEvent[]): PaymentEvent[] {
  return events.map((event) => ({ ...event, data: { ...event.data, paymentId } }) as PaymentEvent);
}

export const created = (data: Partial<PaymentEventData<'PaymentCreated'>> = {}): PaymentEventOf<'PaymentCreated'> => ({
  type: 'PaymentCreated',
  data: { paymentId: PAYMENT, provider: 'stripe', amount: 10_000, currency: 'USD', createdAt: on('10:00:00.000'), ...data },
});

export const processing = (data: Partial<PaymentEventData<'PaymentProcessing'>> = {}): PaymentEventOf<'PaymentProcessing'> => ({
  type: 'PaymentProcessing',
  data: { paymentId: PAYMENT, startedAt: on('10:00:01.000'), ...data },
});

export const succeeded = (data: Partial<PaymentEventData<'PaymentSucceeded'>> = {}): PaymentEventOf<'PaymentSucceeded'> => ({
  type: 'PaymentSucceeded',
  data: { paymentId: PAYMENT, amount: 10_000, currency: 'USD', providerPaymentId: 'pi_1', succeededAt: on('10:00:03.500'), ...data },
});

export const failed = (data: Partial<PaymentEventData<'PaymentFailed'>> = {}): PaymentEventOf<'PaymentFailed'> => ({
  type: 'PaymentFailed',
  data: { paymentId: PAYMENT, errorCode: 'card_declined', errorMessage: 'Your card was declined.', failedAt: on('10:00:02.000'), ...data },
});

export const refunded = (
  amount: number,
  totalRefunded: number,
  data: Partial<PaymentEventData<'PaymentRefunded'>> = {},
): PaymentEventOf<'PaymentRefunded'> => ({
  type: 'PaymentRefunded',
  data: {
    paymentId: PAYMENT,
    refundId: `re_${totalRefunded}`,
    amount,
    currency: 'USD',
    totalRefunded,
    refundedAt: on('11:00:00.000'),
    ...data,
  },
});

export const fraudFlagged = (data: Partial<PaymentEventData<'PaymentFraudFlagged'>> = {}): PaymentEventOf<'PaymentFraudFlagged'> => ({
  type: 'PaymentFraudFlagged',
  data: { paymentId: PAYMENT, reason: 'velocity', flaggedAt: on('10:00:00.500'), ...data },
});

export const disputed = (data: Partial<PaymentEventData<'PaymentDisputed'>> = {}): PaymentEventOf<'PaymentDisputed'> => ({
  type: 'PaymentDisputed',
  data: { paymentId: PAYMENT, reason: 'fraudulent', amount: 10_000, currency: 'USD', disputedAt: on('12:00:00.000'), ...data },
});

export const refundReported = (reportedTotal: number, counted: number, totalRefunded: number): PaymentEventOf<'PaymentRefundReported'> => ({
  type: 'PaymentRefundReported',
  data: { paymentId: PAYMENT, reportedTotal, counted, currency: 'USD', totalRefunded, reportedAt: on('11:30:00.000') },
});

export const refundReversed = (refundId: string, amount: number, totalRefunded: number): PaymentEventOf<'PaymentRefundReversed'> => ({
  type: 'PaymentRefundReversed',
  data: {
    paymentId: PAYMENT,
    refundId,
    providerRefundId: refundId,
    amount,
    counted: amount,
    currency: 'USD',
    totalRefunded,
    reversedAt: on('11:45:00.000'),
  },
});

export const disputeClosed = (outcome: 'won' | 'lost' | 'warning_closed', amount = 10_000): PaymentEventOf<'PaymentDisputeClosed'> => ({
  type: 'PaymentDisputeClosed',
  data: { paymentId: PAYMENT, disputeId: 'dp_1', outcome, amount, currency: 'USD', closedAt: on('13:00:00.000') },
});
