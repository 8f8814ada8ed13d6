import { given } from '../ledger/testing/given';
import { created, failed, ofPayment, processing, refunded, succeeded } from '../ledger/testing/events';
import { volumeTotalsProjection } from './volume.projection';

describe('Volume totals read model (volume_totals)', () => {
  it('adds the providers of one hour and day together and keeps currencies apart', () => {
    given([
      created(),
      processing(),
      succeeded({ amount: 10_000 }),
      ...ofPayment('pay_2', created({ provider: 'paystack', amount: 500 }), processing(), succeeded({ amount: 500 })),
      ...ofPayment('pay_3', created({ currency: 'EUR', amount: 7 }), processing(), succeeded({ currency: 'EUR', amount: 7 })),
    ])
      .when(volumeTotalsProjection)
      .then([
        { granularity: 'minute', bucket_start: '2025-11-21T10:00:00.000Z', currency: 'USD', payments: 2, volume: 10_500 },
        { granularity: 'hour', bucket_start: '2025-11-21T10:00:00.000Z', currency: 'USD', payments: 2, volume: 10_500 },
        { granularity: 'day', bucket_start: '2025-11-21T00:00:00.000Z', currency: 'USD', payments: 2, volume: 10_500 },
        { granularity: 'minute', bucket_start: '2025-11-21T10:00:00.000Z', currency: 'EUR', payments: 1, volume: 7 },
        { granularity: 'hour', bucket_start: '2025-11-21T10:00:00.000Z', currency: 'EUR', payments: 1, volume: 7 },
        { granularity: 'day', bucket_start: '2025-11-21T00:00:00.000Z', currency: 'EUR', payments: 1, volume: 7 },
      ]);
  });

  it('counts nothing for created, failed or refunded payments, like volume_buckets', () => {
    given([created(), processing(), failed(), ...ofPayment('pay_2', created())])
      .when(volumeTotalsProjection)
      .then([]);
    given([created(), processing(), succeeded(), refunded(10_000, 10_000)])
      .when(volumeTotalsProjection)
      .then([
        { granularity: 'minute', bucket_start: '2025-11-21T10:00:00.000Z', currency: 'USD', payments: 1, volume: 10_000 },
        { granularity: 'hour', bucket_start: '2025-11-21T10:00:00.000Z', currency: 'USD', payments: 1, volume: 10_000 },
        { granularity: 'day', bucket_start: '2025-11-21T00:00:00.000Z', currency: 'USD', payments: 1, volume: 10_000 },
      ]);
  });
});
