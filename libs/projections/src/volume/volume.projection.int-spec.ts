import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { created, ofPayment, processing, succeeded } from '../ledger/testing/events';
import { postgresProjectionSpec } from '../ledger/testing/postgres-projection-spec';
import { volumeProjection, volumeTotalsProjection } from './volume.projection';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());
const { given } = postgresProjectionSpec(() => db.pool);

const history = [
  created(),
  processing(),
  succeeded({ amount: 10_000, succeededAt: '2025-11-21T23:59:59.999Z' }),
  ...ofPayment(
    'pay_2',
    created({ provider: 'paystack', amount: 500 }),
    processing(),
    succeeded({ amount: 500, succeededAt: '2025-11-21T23:59:00.000Z' }),
  ),
  ...ofPayment('pay_3', created({ currency: 'EUR', amount: 7 }), processing(), succeeded({ currency: 'EUR', amount: 7 })),
];

describe('Volume read models (volume_buckets, volume_totals), on their tables', () => {
  it('adds each success to its minute, hour and day per provider and currency', async () => {
    const usd = (provider: string, volume: number, payments = 1) => [
      { granularity: 'minute', bucket_start: '2025-11-21T23:59:00.000Z', provider, currency: 'USD', payments, volume },
      { granularity: 'hour', bucket_start: '2025-11-21T23:00:00.000Z', provider, currency: 'USD', payments, volume },
      { granularity: 'day', bucket_start: '2025-11-21T00:00:00.000Z', provider, currency: 'USD', payments, volume },
    ];
    await given(history)
      .when(volumeProjection)
      .then([
        ...usd('stripe', 10_000),
        ...usd('paystack', 500),
        { granularity: 'minute', bucket_start: '2025-11-21T10:00:00.000Z', provider: 'stripe', currency: 'EUR', payments: 1, volume: 7 },
        { granularity: 'hour', bucket_start: '2025-11-21T10:00:00.000Z', provider: 'stripe', currency: 'EUR', payments: 1, volume: 7 },
        { granularity: 'day', bucket_start: '2025-11-21T00:00:00.000Z', provider: 'stripe', currency: 'EUR', payments: 1, volume: 7 },
      ]);
  });

  it('adds the providers together in the totals and keeps currencies apart', async () => {
    await given(history)
      .when(volumeTotalsProjection)
      .then([
        { granularity: 'minute', bucket_start: '2025-11-21T23:59:00.000Z', currency: 'USD', payments: 2, volume: 10_500 },
        { granularity: 'hour', bucket_start: '2025-11-21T23:00:00.000Z', currency: 'USD', payments: 2, volume: 10_500 },
        { granularity: 'day', bucket_start: '2025-11-21T00:00:00.000Z', currency: 'USD', payments: 2, volume: 10_500 },
        { granularity: 'minute', bucket_start: '2025-11-21T10:00:00.000Z', currency: 'EUR', payments: 1, volume: 7 },
        { granularity: 'hour', bucket_start: '2025-11-21T10:00:00.000Z', currency: 'EUR', payments: 1, volume: 7 },
        { granularity: 'day', bucket_start: '2025-11-21T00:00:00.000Z', currency: 'EUR', payments: 1, volume: 7 },
      ]);
  });
});
