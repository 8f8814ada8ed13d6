import { given } from '../ledger/testing/given';
import {
  created,
  disputeClosed,
  disputed,
  failed,
  fraudFlagged,
  ofPayment,
  processing,
  refundReported,
  refundReversed,
  refunded,
  succeeded,
} from '../ledger/testing/events';
import { metricsProjection } from './metrics.projection';

describe('Metrics read model (payment_metrics)', () => {
  const stripeUSD = { provider: 'stripe', currency: 'USD' };

  it('counts a created payment and its amount', () => {
    given([created()])
      .when(metricsProjection)
      .then([{ ...stripeUSD, payments_created: 1, volume_created: 10_000 }]);
  });

  it('counts a success, its captured amount and its processing time', () => {
    given([created(), processing(), succeeded({ processingTimeMs: 1234 })])
      .when(metricsProjection)
      .then([
        {
          ...stripeUSD,
          payments_created: 1,
          volume_created: 10_000,
          payments_succeeded: 1,
          volume_succeeded: 10_000,
          processing_time_sum_ms: 1234,
          processing_time_count: 1,
        },
      ]);
  });

  it('counts a failure and the time to it', () => {
    given([created(), processing(), failed()])
      .when(metricsProjection)
      .then([
        {
          ...stripeUSD,
          payments_created: 1,
          volume_created: 10_000,
          payments_failed: 1,
          processing_time_sum_ms: 1000,
          processing_time_count: 1,
        },
      ]);
  });

  it('counts a refunded payment once, however many refunds, and every refunded amount', () => {
    const history = [created(), processing(), succeeded({ processingTimeMs: 5 }), refunded(3_000, 3_000), refunded(2_000, 5_000)];
    given(history)
      .when(metricsProjection)
      .then([
        {
          ...stripeUSD,
          payments_created: 1,
          volume_created: 10_000,
          payments_succeeded: 1,
          volume_succeeded: 10_000,
          processing_time_sum_ms: 5,
          processing_time_count: 1,
          payments_refunded: 1,
          volume_refunded: 5_000,
        },
      ]);
  });

  it('counts what a cumulative report proved once, an attributed refund not again, and takes a reversed one out', () => {
    const base = {
      ...stripeUSD,
      payments_created: 1,
      volume_created: 10_000,
      payments_succeeded: 1,
      volume_succeeded: 10_000,
      processing_time_sum_ms: 5,
      processing_time_count: 1,
    };
    const history = [
      created(),
      processing(),
      succeeded({ processingTimeMs: 5 }),
      refundReported(3_000, 3_000, 3_000),
      refunded(3_000, 3_000, { counted: 0 }),
    ];
    given(history)
      .when(metricsProjection)
      .then([{ ...base, payments_refunded: 1, volume_refunded: 3_000 }]);
    given([...history, refundReversed('re_3000', 3_000, 0)])
      .when(metricsProjection)
      .then([{ ...base }]);
  });

  it.each([
    ['lost', 4_000],
    ['won', 0],
    ['warning_closed', 0],
  ] as const)('closes a dispute as %s: nothing under dispute, %d lost', (outcome, lost) => {
    given([created(), processing(), succeeded({ processingTimeMs: 5 }), disputed({ amount: 4_000 }), disputeClosed(outcome, 4_000)])
      .when(metricsProjection)
      .then([
        {
          ...stripeUSD,
          payments_created: 1,
          volume_created: 10_000,
          payments_succeeded: 1,
          volume_succeeded: 10_000,
          processing_time_sum_ms: 5,
          processing_time_count: 1,
          payments_disputed: 1,
          ...(lost ? { volume_dispute_losses: lost } : {}),
        },
      ]);
  });

  it('counts every fraud flag but a disputed payment once, and every amount under dispute', () => {
    given([created(), fraudFlagged(), fraudFlagged(), disputed(), disputed()])
      .when(metricsProjection)
      .then([{ ...stripeUSD, payments_created: 1, volume_created: 10_000, fraud_flags: 2, payments_disputed: 1, volume_disputed: 20_000 }]);
  });

  it('keeps one row per provider and currency, so each payment counts in exactly one', () => {
    const paystackNGN = { provider: 'paystack' as const, currency: 'NGN' };
    given([created(), ...ofPayment('pay_2', created({ amount: 5 })), ...ofPayment('pay_3', created({ ...paystackNGN, amount: 700 }))])
      .when(metricsProjection)
      .then([
        { ...stripeUSD, payments_created: 2, volume_created: 10_005 },
        { provider: 'paystack', currency: 'NGN', payments_created: 1, volume_created: 700 },
      ]);
  });
});
