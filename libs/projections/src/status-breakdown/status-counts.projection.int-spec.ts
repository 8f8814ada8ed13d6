import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { created, failed, ofPayment, processing, refunded, succeeded } from '../ledger/testing/events';
import { postgresProjectionSpec } from '../ledger/testing/postgres-projection-spec';
import { statusCountsProjection } from './status-counts.projection';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());
const { given } = postgresProjectionSpec(() => db.pool);

describe('Status counts read model (status_counts), on its table', () => {
  const stripeUSD = { provider: 'stripe', currency: 'USD' };

  it('moves each payment from status to status across batches, leaving rows at 0 behind', async () => {
    await given([
      created(),
      processing(),
      failed(),
      ...ofPayment('pay_2', created(), processing(), succeeded(), refunded(1, 1), refunded(9_999, 10_000)),
      ...ofPayment('pay_3', created({ provider: 'paystack', currency: 'NGN' })),
    ])
      .when(statusCountsProjection)
      .then([
        { ...stripeUSD, status: 'pending', payments: 0 },
        { ...stripeUSD, status: 'processing', payments: 0 },
        { ...stripeUSD, status: 'failed', payments: 1 },
        { ...stripeUSD, status: 'succeeded', payments: 0 },
        { ...stripeUSD, status: 'partially_refunded', payments: 0 },
        { ...stripeUSD, status: 'refunded', payments: 1 },
        { provider: 'paystack', currency: 'NGN', status: 'pending', payments: 1 },
      ]);
  });
});
