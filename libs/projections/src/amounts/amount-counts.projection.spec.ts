import { given } from '../ledger/testing/given';
import { created, disputed, failed, fraudFlagged, ofPayment, processing, refunded, succeeded } from '../ledger/testing/events';
import { amountBucketWidth, amountCountsProjection, amountFloor } from './amount-counts.projection';

describe('Amount counts read model (amount_counts)', () => {
  it('counts each created payment once, in the bucket of its amount rounded down to 3 significant digits', () => {
    given([
      created({ amount: 123_456 }),
      ...ofPayment('pay_2', created({ amount: 123_999 })),
      ...ofPayment('pay_3', created({ amount: 124_000 })),
      ...ofPayment('pay_4', created({ amount: 999 })),
    ])
      .when(amountCountsProjection)
      .then([
        { provider: 'stripe', currency: 'USD', amount_floor: 123_000, payments: 2 },
        { provider: 'stripe', currency: 'USD', amount_floor: 124_000, payments: 1 },
        { provider: 'stripe', currency: 'USD', amount_floor: 999, payments: 1 },
      ]);
  });

  it('keeps currencies and providers apart', () => {
    given([
      created({ amount: 5_000 }),
      ...ofPayment('pay_2', created({ amount: 5_000, currency: 'EUR' })),
      ...ofPayment('pay_3', created({ amount: 5_000, provider: 'paystack' })),
    ])
      .when(amountCountsProjection)
      .then([
        { provider: 'stripe', currency: 'USD', amount_floor: 5_000, payments: 1 },
        { provider: 'stripe', currency: 'EUR', amount_floor: 5_000, payments: 1 },
        { provider: 'paystack', currency: 'USD', amount_floor: 5_000, payments: 1 },
      ]);
  });

  it('moves nothing on the rest of the lifecycle (the amount of a payment never changes)', () => {
    given([
      created(),
      processing(),
      succeeded(),
      refunded(1, 1),
      disputed(),
      fraudFlagged(),
      ...ofPayment('pay_2', created(), processing(), failed()),
    ])
      .when(amountCountsProjection)
      .then([{ provider: 'stripe', currency: 'USD', amount_floor: 10_000, payments: 2 }]);
  });

  it('buckets partition the amounts: every amount lies in [floor, floor + width) of its own bucket, in integers', () => {
    for (const amount of [0, 1, 999, 1_000, 1_009, 1_010, 99_999, 100_000, 100_999, 101_000, 9_007_199_254_740_991]) {
      const floor = amountFloor(amount);
      expect(floor <= amount && amount < floor + amountBucketWidth(amount)).toBe(true);
      expect(amountFloor(floor)).toBe(floor);
      expect(String(floor).slice(0, 3)).toBe(String(amount).slice(0, 3));
    }
    expect(amountFloor(100_999)).toBe(100_000);
    expect(amountBucketWidth(100_999)).toBe(1_000);
  });
});
