import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { created, failed, ofPayment, processing, succeeded } from '../ledger/testing/events';
import { postgresProjectionSpec } from '../ledger/testing/postgres-projection-spec';
import { errorsProjection } from './errors.projection';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());
const { given } = postgresProjectionSpec(() => db.pool);

describe('Errors read model (error_counts), on its table', () => {
  it('adds each failure to the row of its provider, currency and error code', async () => {
    await given([
      created(),
      processing(),
      failed(),
      ...ofPayment('pay_2', created(), processing(), failed()),
      ...ofPayment('pay_3', created(), processing(), failed({ errorCode: 'insufficient_funds' })),
      ...ofPayment('pay_4', created({ provider: 'paystack', currency: 'NGN' }), processing(), failed()),
      ...ofPayment('pay_5', created(), processing(), succeeded()),
    ])
      .when(errorsProjection)
      .then([
        { provider: 'stripe', currency: 'USD', error_code: 'card_declined', failures: 2 },
        { provider: 'stripe', currency: 'USD', error_code: 'insufficient_funds', failures: 1 },
        { provider: 'paystack', currency: 'NGN', error_code: 'card_declined', failures: 1 },
      ]);
  });
});
