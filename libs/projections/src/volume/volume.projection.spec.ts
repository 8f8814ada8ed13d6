import { given } from '../ledger/testing/given';
import { created, failed, ofPayment, processing, refunded, succeeded } from '../ledger/testing/events';
import { bucketStart, volumeProjection } from './volume.projection';

describe('Volume read model (volume_buckets)', () => {
  const stripeUSD = { provider: 'stripe', currency: 'USD' };

  describe('when a payment succeeds', () => {
    it('counts it and its amount in the UTC minute, hour and day it succeeded in', () => {
      given([created(), processing(), succeeded({ amount: 10_000, succeededAt: '2025-11-21T23:59:59.999Z' })])
        .when(volumeProjection)
        .then([
          { granularity: 'minute', bucket_start: '2025-11-21T23:59:00.000Z', ...stripeUSD, payments: 1, volume: 10_000 },
          { granularity: 'hour', bucket_start: '2025-11-21T23:00:00.000Z', ...stripeUSD, payments: 1, volume: 10_000 },
          { granularity: 'day', bucket_start: '2025-11-21T00:00:00.000Z', ...stripeUSD, payments: 1, volume: 10_000 },
        ]);
    });

    it('adds payments of one minute, hour and currency together and keeps currencies apart', () => {
      given([
        created(),
        processing(),
        succeeded({ amount: 10_000 }),
        ...ofPayment('pay_2', created({ amount: 500 }), processing(), succeeded({ amount: 500 })),
        ...ofPayment('pay_3', created({ currency: 'EUR', amount: 7 }), processing(), succeeded({ currency: 'EUR', amount: 7 })),
      ])
        .when(volumeProjection)
        .then([
          { granularity: 'minute', bucket_start: '2025-11-21T10:00:00.000Z', ...stripeUSD, payments: 2, volume: 10_500 },
          { granularity: 'hour', bucket_start: '2025-11-21T10:00:00.000Z', ...stripeUSD, payments: 2, volume: 10_500 },
          { granularity: 'day', bucket_start: '2025-11-21T00:00:00.000Z', ...stripeUSD, payments: 2, volume: 10_500 },
          { granularity: 'minute', bucket_start: '2025-11-21T10:00:00.000Z', provider: 'stripe', currency: 'EUR', payments: 1, volume: 7 },
          { granularity: 'hour', bucket_start: '2025-11-21T10:00:00.000Z', provider: 'stripe', currency: 'EUR', payments: 1, volume: 7 },
          { granularity: 'day', bucket_start: '2025-11-21T00:00:00.000Z', provider: 'stripe', currency: 'EUR', payments: 1, volume: 7 },
        ]);
    });
  });

  it('counts nothing for created, failed or refunded payments (refunds do not shrink succeeded volume)', () => {
    given([created(), processing(), failed(), ...ofPayment('pay_2', created())])
      .when(volumeProjection)
      .then([]);
    given([created(), processing(), succeeded(), refunded(10_000, 10_000)])
      .when(volumeProjection)
      .then([
        { granularity: 'minute', bucket_start: '2025-11-21T10:00:00.000Z', ...stripeUSD, payments: 1, volume: 10_000 },
        { granularity: 'hour', bucket_start: '2025-11-21T10:00:00.000Z', ...stripeUSD, payments: 1, volume: 10_000 },
        { granularity: 'day', bucket_start: '2025-11-21T00:00:00.000Z', ...stripeUSD, payments: 1, volume: 10_000 },
      ]);
  });

  it('starts minute, hour and day buckets in UTC', () => {
    const at = new Date('2025-11-21T23:59:59.999Z');
    expect(bucketStart(at, 'minute')).toBe('2025-11-21T23:59:00.000Z');
    expect(bucketStart(at, 'hour')).toBe('2025-11-21T23:00:00.000Z');
    expect(bucketStart(at, 'day')).toBe('2025-11-21T00:00:00.000Z');
  });
});
