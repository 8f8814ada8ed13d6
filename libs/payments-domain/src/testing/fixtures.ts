import type { PaymentCommandOf } from '../commands';
import type { PaymentEvent, PaymentEventOf } from '../events';

export const PAYMENT_ID = 'pay_123';
export const AMOUNT = 10_000;
export const NOW = new Date('2024-05-01T12:00:00.000Z');
export const AT = NOW.toISOString();
const id = { paymentId: PAYMENT_ID };

export const events = {
  created: (amount = AMOUNT, currency = 'USD'): PaymentEventOf<'PaymentCreated'> => ({
    type: 'PaymentCreated',
    data: { ...id, provider: 'stripe', amount, currency, createdAt: AT },
  }),
  processing: (): PaymentEventOf<'PaymentProcessing'> => ({ type: 'PaymentProcessing', data: { ...id, startedAt: AT } }),
  succeeded: (amount = AMOUNT, currency = 'USD'): PaymentEventOf<'PaymentSucceeded'> => ({
    type: 'PaymentSucceeded',
    data: { ...id, amount, currency, succeededAt: AT },
  }),
  failed: (): PaymentEventOf<'PaymentFailed'> => ({
    type: 'PaymentFailed',
    data: { ...id, errorCode: 'card_declined', failedAt: AT },
  }),
  refunded: (amount: number, totalRefunded: number, refundId = 're_1'): PaymentEventOf<'PaymentRefunded'> => ({
    type: 'PaymentRefunded',
    data: { ...id, refundId, amount, currency: 'USD', totalRefunded, refundedAt: AT },
  }),
  fraudFlagged: (): PaymentEventOf<'PaymentFraudFlagged'> => ({
    type: 'PaymentFraudFlagged',
    data: { ...id, reason: 'velocity', flaggedAt: AT },
  }),
  disputed: (amount = AMOUNT): PaymentEventOf<'PaymentDisputed'> => ({
    type: 'PaymentDisputed',
    data: { ...id, disputeId: 'dp_1', reason: 'fraudulent', amount, currency: 'USD', disputedAt: AT },
  }),
};

export const commands = {
  create: (amount = AMOUNT, currency = 'USD'): PaymentCommandOf<'CreatePayment'> => ({
    type: 'CreatePayment',
    data: { ...id, provider: 'stripe', amount, currency },
    now: NOW,
  }),
  startProcessing: (): PaymentCommandOf<'StartProcessing'> => ({ type: 'StartProcessing', data: id, now: NOW }),
  markSucceeded: (): PaymentCommandOf<'MarkPaymentSucceeded'> => ({ type: 'MarkPaymentSucceeded', data: id, now: NOW }),
  markFailed: (): PaymentCommandOf<'MarkPaymentFailed'> => ({
    type: 'MarkPaymentFailed',
    data: { ...id, errorCode: 'card_declined' },
    now: NOW,
  }),
  refund: (amount: number, refundId = 're_1'): PaymentCommandOf<'RefundPayment'> => ({
    type: 'RefundPayment',
    data: { ...id, refundId, amount },
    now: NOW,
  }),
  flagFraud: (): PaymentCommandOf<'FlagFraud'> => ({ type: 'FlagFraud', data: { ...id, reason: 'velocity' }, now: NOW }),
  openDispute: (amount?: number, disputeId = 'dp_1'): PaymentCommandOf<'OpenDispute'> => ({
    type: 'OpenDispute',
    data: amount === undefined ? { ...id, disputeId, reason: 'fraudulent' } : { ...id, disputeId, reason: 'fraudulent', amount },
    now: NOW,
  }),
};

/** Event histories for every state the matrix of tests walks through. */
export const histories = {
  pending: (): PaymentEvent[] => [events.created()],
  processing: (): PaymentEvent[] => [events.created(), events.processing()],
  succeeded: (): PaymentEvent[] => [events.created(), events.processing(), events.succeeded()],
  partiallyRefunded: (): PaymentEvent[] => [...histories.succeeded(), events.refunded(4_000, 4_000)],
  fullyRefunded: (): PaymentEvent[] => [...histories.succeeded(), events.refunded(AMOUNT, AMOUNT)],
  failed: (): PaymentEvent[] => [events.created(), events.processing(), events.failed()],
  disputed: (): PaymentEvent[] => [...histories.succeeded(), events.disputed()],
};
