import type { PaymentEvent } from '@ledger/payments-domain';
import { errorsProjection } from '../errors/errors.projection';
import { healthProjection } from '../health/health.projection';
import { given } from '../ledger/testing/given';
import { created, processing, refunded, succeeded } from '../ledger/testing/events';
import { metricsProjection } from '../metrics/metrics.projection';
import { statusCountsProjection } from '../status-breakdown/status-counts.projection';
import { evolvePaymentRow } from './payments.projection';

const on = (time: string) => `2025-11-21T${time}Z`;
const attempt = (failedAt: string, attemptId: string): PaymentEvent => ({
  type: 'PaymentAttemptFailed',
  data: { paymentId: 'pay_1', attemptId, errorCode: 'insufficient_funds', failedAt: on(failedAt) },
});
const mismatch = (holds = true): PaymentEvent => ({
  type: 'PaymentProviderMismatch',
  data: {
    paymentId: 'pay_1',
    mismatchId: 'payment:pi_forged',
    subject: 'payment',
    kind: 'currency',
    holds,
    ours: { amount: 10_000, currency: 'USD' },
    provider: { amount: 1, currency: 'JPY', references: ['pi_forged'] },
    detectedAt: on('10:00:02.000'),
  },
});
const reviewed = (stillOpen = 0): PaymentEvent => ({
  type: 'PaymentMismatchReviewed',
  data: {
    paymentId: 'pay_1',
    mismatchId: 'payment:pi_forged',
    decision: 'write_off',
    note: 'n',
    stillOpen,
    reviewedAt: on('11:00:00.000'),
  },
});

describe('Read models: money as providers move it', () => {
  describe('case 1: a failed attempt, then a success', () => {
    const history = [created(), processing(), attempt('10:00:02.000', 'ch_1'), succeeded()];

    it('the payment is failed after the attempt and succeeded after the retry', () => {
      given(history.slice(0, 3))
        .when(evolvePaymentRow)
        .then([{ status: 'failed', errorCode: 'insufficient_funds' }]);
      given(history)
        .when(evolvePaymentRow)
        .then([{ status: 'succeeded', capturedAmount: 10_000 }]);
    });

    it('counts.failed is failed now (0 once it succeeded), the attempt stays counted in errors and health, timing only the decision', () => {
      given(history)
        .when(metricsProjection)
        .then([
          {
            provider: 'stripe',
            currency: 'USD',
            payments_created: 1,
            volume_created: 10_000,
            payments_succeeded: 1,
            volume_succeeded: 10_000,
            processing_time_sum_ms: 2500,
            processing_time_count: 1,
          },
        ]);
      given(history)
        .when(errorsProjection)
        .then([{ provider: 'stripe', currency: 'USD', error_code: 'insufficient_funds', failures: 1 }]);
      given(history)
        .when(healthProjection)
        .then([
          {
            minute_start: on('10:00:00.000'),
            provider: 'stripe',
            succeeded: 1,
            failed: 1,
            processing_time_sum_ms: 2500,
            processing_count: 1,
          },
        ]);
    });
  });

  describe('case 2: a mismatch that holds the payment', () => {
    it('puts it in needs_review, keeps it there through a matching success, and the review gives it back its own status', () => {
      given([created(), processing(), mismatch()])
        .when(evolvePaymentRow)
        .then([{ status: 'needs_review' }]);
      given([created(), processing(), mismatch(), succeeded()])
        .when(evolvePaymentRow)
        .then([{ status: 'needs_review' }]);
      given([created(), processing(), mismatch(), succeeded(), reviewed()])
        .when(evolvePaymentRow)
        .then([{ status: 'succeeded' }]);
      given([created(), processing(), mismatch(), reviewed()])
        .when(evolvePaymentRow)
        .then([{ status: 'processing' }]);
      given([created(), processing(), mismatch(), reviewed(1)])
        .when(evolvePaymentRow)
        .then([{ status: 'needs_review' }]);
    });

    it('counts it in needs_review and books nothing', () => {
      given([created(), processing(), mismatch()])
        .when(statusCountsProjection)
        .then([
          { provider: 'stripe', currency: 'USD', status: 'pending', payments: 0 },
          { provider: 'stripe', currency: 'USD', status: 'processing', payments: 0 },
          { provider: 'stripe', currency: 'USD', status: 'needs_review', payments: 1 },
        ]);
      given([created(), processing(), mismatch(false)])
        .when(evolvePaymentRow)
        .then([{ status: 'processing', capturedAmount: null }]);
    });
  });

  it('case 3: a partial capture is refunded in full at the captured amount', () => {
    given([created(), processing(), succeeded({ amount: 6_000, authorizedAmount: 10_000 }), refunded(6_000, 6_000)])
      .when(evolvePaymentRow)
      .then([{ status: 'refunded', capturedAmount: 6_000, refundedAmount: 6_000 }]);
  });

  it('case 6: a provider time before our own creation gives a processing time of 0, never a negative one', () => {
    given([created(), succeeded({ succeededAt: on('09:59:57.000') })])
      .when(evolvePaymentRow)
      .then([{ processingTimeMs: 0 }]);
  });
});
