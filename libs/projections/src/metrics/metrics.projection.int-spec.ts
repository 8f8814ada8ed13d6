import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { created, disputeClosed, disputed, failed, ofPayment, processing, refunded, succeeded } from '../ledger/testing/events';
import { postgresProjectionSpec } from '../ledger/testing/postgres-projection-spec';
import { metricsProjection } from './metrics.projection';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());
const { given } = postgresProjectionSpec(() => db.pool);

describe('Metrics read model (payment_metrics), on its table', () => {
  const stripeUSD = { provider: 'stripe', currency: 'USD' };

  it('adds each batch’s counts and volumes onto the row of its provider and currency', async () => {
    await given([
      created(),
      processing(),
      succeeded({ processingTimeMs: 5 }),
      refunded(3_000, 3_000),
      refunded(2_000, 5_000),
      ...ofPayment('pay_2', created(), processing(), failed()),
    ])
      .when(metricsProjection)
      .then([
        {
          ...stripeUSD,
          payments_created: 2,
          volume_created: 20_000,
          payments_succeeded: 1,
          volume_succeeded: 10_000,
          payments_failed: 1,
          payments_refunded: 1,
          volume_refunded: 5_000,
          processing_time_sum_ms: 1_005,
          processing_time_count: 2,
        },
      ]);
  });

  it('keeps providers and currencies apart, and a dispute lost as a loss', async () => {
    await given([
      created(),
      processing(),
      succeeded(),
      disputed(),
      disputeClosed('lost'),
      ...ofPayment('pay_2', created({ provider: 'paystack', currency: 'NGN', amount: 500 })),
    ])
      .when(metricsProjection)
      .then([
        {
          ...stripeUSD,
          payments_created: 1,
          volume_created: 10_000,
          payments_succeeded: 1,
          volume_succeeded: 10_000,
          payments_disputed: 1,
          volume_dispute_losses: 10_000,
          processing_time_sum_ms: 2_500,
          processing_time_count: 1,
        },
        { provider: 'paystack', currency: 'NGN', payments_created: 1, volume_created: 500 },
      ]);
  });

  it('sums volumes past 2^53 exactly (numeric columns)', async () => {
    const amount = 9_000_000_000_000_000;
    await given([created({ amount }), ...ofPayment('pay_2', created({ amount }))])
      .when(metricsProjection)
      .then([{ ...stripeUSD, payments_created: 2, volume_created: 18_000_000_000_000_000n }]);
  });
});
