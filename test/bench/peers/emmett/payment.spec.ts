import { DeciderSpecification, IllegalStateError, NotFoundError, ValidationError } from '@event-driven-io/emmett';
import { describe, it } from 'node:test';
import { decide, evolve, initialState, type PaymentEvent } from './payment';

/** Run by `npm test --prefix test/bench/peers/emmett` (node:test, as Emmett's samples), not by the ledger's jest. */
const given = DeciderSpecification.for({ decide, evolve, initialState });

const paymentId = 'a3f1c2de-0000-4000-8000-000000000001';
const now = new Date('2026-12-01T10:00:00Z');
const metadata = { now };

const created: PaymentEvent = {
  type: 'PaymentCreated',
  data: { paymentId, provider: 'stripe', amount: 1999, currency: 'USD', customerId: 'c-1', createdAt: now },
};
const processing: PaymentEvent = { type: 'PaymentProcessing', data: { paymentId, startedAt: now } };
const succeeded: PaymentEvent = {
  type: 'PaymentSucceeded',
  data: { paymentId, amount: 1999, currency: 'USD', providerPaymentId: 'pi_1', succeededAt: now },
};
const refunded = (amount: number, totalRefunded: number): PaymentEvent => ({
  type: 'PaymentRefunded',
  data: { paymentId, amount, currency: 'USD', totalRefunded, reason: 'bench', refundedAt: now },
});
const refund = (amount: number) => ({ type: 'RefundPayment' as const, data: { paymentId, amount, reason: 'bench' }, metadata });

void describe('Payment (Emmett peer)', () => {
  void describe('when it does not exist', () => {
    void it('creates it', () => {
      given([])
        .when({
          type: 'CreatePayment',
          data: { paymentId, provider: 'stripe', amount: 1999, currency: 'USD', customerId: 'c-1' },
          metadata,
        })
        .then([created]);
    });

    void it('refuses an amount that is not a positive integer of minor units', () => {
      given([])
        .when({ type: 'CreatePayment', data: { paymentId, provider: 'stripe', amount: 19.99, currency: 'USD' }, metadata })
        .thenThrows(ValidationError);
    });

    void it('refuses to process it', () => {
      given([]).when({ type: 'StartProcessing', data: { paymentId }, metadata }).thenThrows(NotFoundError);
    });
  });

  void describe('when created', () => {
    void it('starts processing', () => {
      given([created]).when({ type: 'StartProcessing', data: { paymentId }, metadata }).then([processing]);
    });

    void it('refuses to create it again', () => {
      given([created])
        .when({ type: 'CreatePayment', data: { paymentId, provider: 'stripe', amount: 1999, currency: 'USD' }, metadata })
        .thenThrows(IllegalStateError);
    });

    void it('refuses success before processing', () => {
      given([created]).when({ type: 'MarkPaymentSucceeded', data: { paymentId }, metadata }).thenThrows(IllegalStateError);
    });
  });

  void describe('when processing', () => {
    void it('succeeds with the amount captured', () => {
      given([created, processing])
        .when({ type: 'MarkPaymentSucceeded', data: { paymentId, providerPaymentId: 'pi_1' }, metadata })
        .then([succeeded]);
    });

    void it('fails', () => {
      given([created, processing])
        .when({ type: 'MarkPaymentFailed', data: { paymentId, errorCode: 'card_declined' }, metadata })
        .then([{ type: 'PaymentFailed', data: { paymentId, errorCode: 'card_declined', failedAt: now } }]);
    });

    void it('refuses a refund', () => {
      given([created, processing]).when(refund(100)).thenThrows(IllegalStateError);
    });
  });

  void describe('when succeeded', () => {
    void it('refunds part of the amount', () => {
      given([created, processing, succeeded])
        .when(refund(500))
        .then([refunded(500, 500)]);
    });

    void it('refunds the rest after a partial refund', () => {
      given([created, processing, succeeded, refunded(500, 500)])
        .when(refund(1499))
        .then([refunded(1499, 1999)]);
    });

    void it('refuses refunds beyond what was captured', () => {
      given([created, processing, succeeded, refunded(500, 500)])
        .when(refund(1500))
        .thenThrows(IllegalStateError);
    });
  });

  void describe('when failed', () => {
    void it('refuses a refund', () => {
      const failed: PaymentEvent = { type: 'PaymentFailed', data: { paymentId, errorCode: 'card_declined', failedAt: now } };
      given([created, processing, failed]).when(refund(100)).thenThrows(IllegalStateError);
    });
  });
});
