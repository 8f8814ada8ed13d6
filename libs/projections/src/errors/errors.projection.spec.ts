import { given } from '../ledger/testing/given';
import { created, failed, ofPayment, processing, succeeded } from '../ledger/testing/events';
import { errorsProjection } from './errors.projection';

describe('Errors read model (error_counts)', () => {
  it('counts failed payments by provider, currency and error code', () => {
    given([
      created(),
      processing(),
      failed(),
      ...ofPayment('pay_2', created(), processing(), failed()),
      ...ofPayment('pay_3', created(), processing(), failed({ errorCode: 'insufficient_funds' })),
      ...ofPayment('pay_4', created({ provider: 'paystack', currency: 'NGN' }), processing(), failed()),
    ])
      .when(errorsProjection)
      .then([
        { provider: 'stripe', currency: 'USD', error_code: 'card_declined', failures: 2 },
        { provider: 'stripe', currency: 'USD', error_code: 'insufficient_funds', failures: 1 },
        { provider: 'paystack', currency: 'NGN', error_code: 'card_declined', failures: 1 },
      ]);
  });

  it('counts nothing for payments that did not fail', () => {
    given([created(), processing(), succeeded()]).when(errorsProjection).then([]);
  });
});
