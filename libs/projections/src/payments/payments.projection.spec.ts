import type { PaymentEvent } from '@ledger/payments-domain';
import { given } from '../ledger/testing/given';
import { created, disputed, failed, fraudFlagged, ofPayment, processing, refunded, succeeded } from '../ledger/testing/events';
import { evolvePaymentRow } from './payments.projection';

describe('Payments read model (payments)', () => {
  const at = (time: string) => new Date(`2025-11-21T${time}Z`);

  it('starts a created payment pending, with what the event carries', () => {
    given([created({ customerId: 'cus_1', description: 'Order 7' })])
      .when(evolvePaymentRow)
      .then([
        {
          paymentId: 'pay_1',
          provider: 'stripe',
          status: 'pending',
          amount: 10_000,
          currency: 'USD',
          refundedAmount: 0,
          customerId: 'cus_1',
          description: 'Order 7',
          fraudFlagCount: 0,
          disputed: false,
          processingTimeMs: null,
          createdAt: at('10:00:00.000'),
          updatedAt: at('10:00:00.000'),
          revision: 0n,
        },
      ]);
  });

  describe('when it succeeds', () => {
    it('keeps the processing time given by the provider', () => {
      given([created(), processing(), succeeded({ processingTimeMs: 1234 })])
        .when(evolvePaymentRow)
        .then([
          {
            status: 'succeeded',
            providerPaymentId: 'pi_1',
            processingTimeMs: 1234,
            processingAt: at('10:00:01.000'),
            succeededAt: at('10:00:03.500'),
            updatedAt: at('10:00:03.500'),
            revision: 2n,
          },
        ]);
    });

    it('measures the processing time from processing to the decision when none was given', () => {
      given([created(), processing(), succeeded()])
        .when(evolvePaymentRow)
        .then([{ processingTimeMs: 2500 }]);
    });

    it('measures it from creation when the payment never reported processing', () => {
      const history: PaymentEvent[] = [created(), succeeded()];
      given(history)
        .when(evolvePaymentRow)
        .then([{ status: 'succeeded', processingTimeMs: 3500 }]);
    });
  });

  it('records why a payment failed', () => {
    given([created(), processing(), failed({ processingTimeMs: 40 })])
      .when(evolvePaymentRow)
      .then([
        {
          status: 'failed',
          errorCode: 'card_declined',
          errorMessage: 'Your card was declined.',
          processingTimeMs: 40,
          failedAt: at('10:00:02.000'),
          succeededAt: null,
        },
      ]);
  });

  describe('when it is refunded', () => {
    it('is partially refunded until the refunds reach the amount, then refunded', () => {
      given([created(), processing(), succeeded(), refunded(4_000, 4_000)])
        .when(evolvePaymentRow)
        .then([
          {
            status: 'partially_refunded',
            refundedAmount: 4_000,
          },
        ]);
      given([created(), processing(), succeeded(), refunded(4_000, 4_000), refunded(6_000, 10_000)])
        .when(evolvePaymentRow)
        .then([
          {
            status: 'refunded',
            refundedAmount: 10_000,
            updatedAt: at('11:00:00.000'),
            revision: 4n,
          },
        ]);
    });

    it('stops on a refund in another currency', () => {
      given([created(), processing(), succeeded(), refunded(100, 100, { currency: 'EUR' })])
        .when(evolvePaymentRow)
        .thenThrows(/currency EUR differs from the payment's USD/);
    });
  });

  it('counts fraud flags and remembers a dispute, without changing the status', () => {
    given([created(), fraudFlagged(), fraudFlagged(), processing(), succeeded(), disputed()])
      .when(evolvePaymentRow)
      .then([
        {
          status: 'succeeded',
          fraudFlagCount: 2,
          disputed: true,
          updatedAt: at('12:00:00.000'),
        },
      ]);
  });

  it('keeps each payment in a row of its own', () => {
    given([created(), ...ofPayment('pay_2', created({ provider: 'paystack', currency: 'NGN' }), processing())])
      .when(evolvePaymentRow)
      .then([
        { paymentId: 'pay_1', status: 'pending' },
        { paymentId: 'pay_2', provider: 'paystack', currency: 'NGN', status: 'processing' },
      ]);
  });

  describe('stops loudly', () => {
    it('on a payment created twice', () => {
      given([created(), created()])
        .when(evolvePaymentRow)
        .thenThrows(/payment created twice/);
    });

    it('on an event of a payment never created', () => {
      given([processing()])
        .when(evolvePaymentRow)
        .thenThrows(/event for a payment that was never created/);
    });

    it('on an event type it does not know', () => {
      const teleported = { type: 'PaymentTeleported', data: { paymentId: 'pay_1' } } as unknown as PaymentEvent;
      given([created(), teleported])
        .when(evolvePaymentRow)
        .thenThrows(/unknown event type PaymentTeleported/);
    });
  });
});
