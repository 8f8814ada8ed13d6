import { given } from '../ledger/testing/given';
import { created, failed, fraudFlagged, ofPayment, processing, refunded, succeeded } from '../ledger/testing/events';
import { healthProjection, minuteStart } from './health.projection';

describe('Health read model (health_windows)', () => {
  it('counts decisions and their processing time in the UTC minute each was made, per provider', () => {
    given([
      created(),
      processing(),
      succeeded({ processingTimeMs: 300, succeededAt: '2025-11-21T10:00:59.999Z' }),
      ...ofPayment('pay_2', created(), processing(), failed({ failedAt: '2025-11-21T10:01:00.000Z' })),
      ...ofPayment(
        'pay_3',
        created({ provider: 'paystack', currency: 'NGN' }),
        processing(),
        succeeded({ currency: 'NGN', processingTimeMs: 20, succeededAt: '2025-11-21T10:00:30.000Z' }),
      ),
    ])
      .when(healthProjection)
      .then([
        { minute_start: '2025-11-21T10:00:00.000Z', provider: 'stripe', succeeded: 1, processing_time_sum_ms: 300, processing_count: 1 },
        { minute_start: '2025-11-21T10:01:00.000Z', provider: 'stripe', failed: 1, processing_time_sum_ms: 59_000, processing_count: 1 },
        { minute_start: '2025-11-21T10:00:00.000Z', provider: 'paystack', succeeded: 1, processing_time_sum_ms: 20, processing_count: 1 },
      ]);
  });

  it('counts fraud flags in the minute they were raised', () => {
    given([created(), fraudFlagged(), fraudFlagged({ flaggedAt: '2025-11-21T10:05:00.000Z' })])
      .when(healthProjection)
      .then([
        { minute_start: '2025-11-21T10:00:00.000Z', provider: 'stripe', fraud_flags: 1 },
        { minute_start: '2025-11-21T10:05:00.000Z', provider: 'stripe', fraud_flags: 1 },
      ]);
  });

  it('leaves velocity flags out of health (they count in fraud.attempts only)', () => {
    const velocity = {
      reason: 'velocity:card_failures',
      rule: 'card_failures',
      window: '10m',
      count: 5,
      threshold: 5,
      paymentIds: ['pay_1'],
      tripId: 't',
    };
    given([created(), fraudFlagged(velocity), fraudFlagged({ flaggedAt: '2025-11-21T10:05:00.000Z' })])
      .when(healthProjection)
      .then([{ minute_start: '2025-11-21T10:05:00.000Z', provider: 'stripe', fraud_flags: 1 }]);
  });

  it('counts nothing for creation, processing or refunds', () => {
    given([created(), processing()]).when(healthProjection).then([]);
    given([created(), processing(), succeeded({ processingTimeMs: 1 }), refunded(5, 5)])
      .when(healthProjection)
      .then([
        { minute_start: '2025-11-21T10:00:00.000Z', provider: 'stripe', succeeded: 1, processing_time_sum_ms: 1, processing_count: 1 },
      ]);
  });

  it('starts minutes in UTC', () => {
    expect(minuteStart(new Date('2025-11-21T23:59:59.999Z'))).toBe('2025-11-21T23:59:00.000Z');
  });
});
