import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { created, failed, fraudFlagged, ofPayment, processing, succeeded } from '../ledger/testing/events';
import { postgresProjectionSpec } from '../ledger/testing/postgres-projection-spec';
import { healthProjection } from './health.projection';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());
const { given } = postgresProjectionSpec(() => db.pool);

describe('Health read model (health_windows), on its table', () => {
  it('adds decisions, processing times and fraud flags to the row of their UTC minute and provider', async () => {
    await given([
      created(),
      processing(),
      succeeded({ processingTimeMs: 300, succeededAt: '2025-11-21T10:00:59.999Z' }),
      ...ofPayment('pay_2', created(), processing(), failed({ failedAt: '2025-11-21T10:01:00.000Z' })),
      ...ofPayment('pay_3', created(), processing(), succeeded({ processingTimeMs: 200, succeededAt: '2025-11-21T10:00:10.000Z' })),
      ...ofPayment('pay_4', created({ provider: 'paystack', currency: 'NGN' }), fraudFlagged(), fraudFlagged()),
    ])
      .when(healthProjection)
      .then([
        { minute_start: '2025-11-21T10:00:00.000Z', provider: 'stripe', succeeded: 2, processing_time_sum_ms: 500, processing_count: 2 },
        { minute_start: '2025-11-21T10:01:00.000Z', provider: 'stripe', failed: 1, processing_time_sum_ms: 59_000, processing_count: 1 },
        { minute_start: '2025-11-21T10:00:00.000Z', provider: 'paystack', fraud_flags: 2 },
      ]);
  });
});
