import type { PaymentEvent } from '@ledger/payments-domain';
import { foldPaymentView, type StoredPaymentEvent } from './payment-view';

const at = (minute: number) => `2026-01-01T00:0${minute}:00.000Z`;
const stored = (events: PaymentEvent[]): StoredPaymentEvent[] =>
  events.map((e, i) => ({ ...e, revision: BigInt(i), metadata: { schemaVersion: 1, occurredAt: at(i) } }));

const created: PaymentEvent = {
  type: 'PaymentCreated',
  data: { paymentId: 'p1', provider: 'stripe', amount: 1000, currency: 'USD', customerId: 'c1', createdAt: at(0) },
};
const processing: PaymentEvent = { type: 'PaymentProcessing', data: { paymentId: 'p1', startedAt: at(1) } };
const succeeded: PaymentEvent = {
  type: 'PaymentSucceeded',
  data: { paymentId: 'p1', amount: 1000, currency: 'USD', providerPaymentId: 'pi_1', processingTimeMs: 80, succeededAt: at(2) },
};
const refund = (amount: number, totalRefunded: number): PaymentEvent => ({
  type: 'PaymentRefunded',
  data: { paymentId: 'p1', refundId: `r${totalRefunded}`, amount, currency: 'USD', totalRefunded, refundedAt: at(3) },
});

describe('Payment view', () => {
  it('is undefined without a creation', () => {
    expect(foldPaymentView([])).toBeUndefined();
  });

  it('starts pending with the creation fields', () => {
    expect(foldPaymentView(stored([created]))).toEqual({
      paymentId: 'p1',
      provider: 'stripe',
      status: 'pending',
      amount: 1000,
      currency: 'USD',
      refundedAmount: 0,
      customerId: 'c1',
      fraudFlagged: false,
      disputed: false,
      createdAt: at(0),
      updatedAt: at(0),
      revision: 0,
    });
  });

  it('carries the provider id and timing of a success, and refunds partly then fully', () => {
    const partly = foldPaymentView(stored([created, processing, succeeded, refund(400, 400)]));
    expect(partly).toMatchObject({
      status: 'partially_refunded',
      refundedAmount: 400,
      providerPaymentId: 'pi_1',
      processingTimeMs: 80,
      revision: 3,
      updatedAt: at(3),
    });
    expect(foldPaymentView(stored([created, processing, succeeded, refund(400, 400), refund(600, 1000)]))?.status).toBe('refunded');
  });

  it('keeps fraud and disputes as flags beside the status', () => {
    const view = foldPaymentView(
      stored([
        created,
        processing,
        succeeded,
        { type: 'PaymentFraudFlagged', data: { paymentId: 'p1', reason: 'r', flaggedAt: at(3) } },
        { type: 'PaymentDisputed', data: { paymentId: 'p1', reason: 'r', amount: 1000, currency: 'USD', disputedAt: at(4) } },
      ]),
    );
    expect(view).toMatchObject({ status: 'succeeded', fraudFlagged: true, disputed: true });
  });

  it('records the error code of a failure', () => {
    const failed: PaymentEvent = { type: 'PaymentFailed', data: { paymentId: 'p1', errorCode: 'card_declined', failedAt: at(2) } };
    expect(foldPaymentView(stored([created, processing, failed]))).toMatchObject({ status: 'failed', errorCode: 'card_declined' });
  });

  it('tolerates event types it does not know', () => {
    const unknown = { type: 'PaymentMemoAdded', data: {}, revision: 1n } as StoredPaymentEvent;
    expect(foldPaymentView([...stored([created]), unknown])).toMatchObject({ status: 'pending', revision: 1 });
  });
});
