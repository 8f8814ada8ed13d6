import { given } from '../ledger/testing/given';
import { created, failed, processing, succeeded } from '../ledger/testing/events';
import { errorsProjection } from './errors.projection';

describe('Errors read model (error_counts)', () => {
  it('counts failed payments by provider, currency and error code', () => {
    given(
      created(), processing(), failed(),
      created({ paymentId: 'pay_2' }), processing({ paymentId: 'pay_2' }), failed({ paymentId: 'pay_2' }),
      created({ paymentId: 'pay_3' }), processing({ paymentId: 'pay_3' }), failed({ paymentId: 'pay_3', errorCode: 'insufficient_funds' }),
      created({ paymentId: 'pay_4', provider: 'paystack', currency: 'NGN' }), processing({ paymentId: 'pay_4' }), failed({ paymentId: 'pay_4' }),
    ).thenRows(errorsProjection, [
      { provider: 'stripe', currency: 'USD', error_code: 'card_declined', failures: 2 },
      { provider: 'stripe', currency: 'USD', error_code: 'insufficient_funds', failures: 1 },
      { provider: 'paystack', currency: 'NGN', error_code: 'card_declined', failures: 1 },
    ]);
  });

  it('counts nothing for payments that did not fail', () => {
    given(created(), processing(), succeeded()).thenRows(errorsProjection, []);
  });
});
