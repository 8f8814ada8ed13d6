import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { created, ofPayment, processing, succeeded } from '../ledger/testing/events';
import { postgresProjectionSpec } from '../ledger/testing/postgres-projection-spec';
import { amountCountsProjection } from './amount-counts.projection';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());
const { given } = postgresProjectionSpec(() => db.pool);

describe('Amount counts read model (amount_counts), on its table', () => {
  it('adds each created payment to the bucket of its amount, up to the largest safe amount', async () => {
    await given([
      created({ amount: 123_456 }),
      processing(),
      succeeded({ amount: 123_456 }),
      ...ofPayment('pay_2', created({ amount: 123_999 })),
      ...ofPayment('pay_3', created({ amount: 124_000, currency: 'EUR' })),
      ...ofPayment('pay_4', created({ amount: 9_007_199_254_740_991 })),
    ])
      .when(amountCountsProjection)
      .then([
        { provider: 'stripe', currency: 'USD', amount_floor: 123_000, payments: 2 },
        { provider: 'stripe', currency: 'EUR', amount_floor: 124_000, payments: 1 },
        { provider: 'stripe', currency: 'USD', amount_floor: 9_000_000_000_000_000, payments: 1 },
      ]);
  });
});
