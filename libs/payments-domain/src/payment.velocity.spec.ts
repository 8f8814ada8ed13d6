import type { PaymentCommandOf } from './commands';
import type { PaymentEvent } from './events';
import { AT, NOW, PAYMENT_ID, histories } from './testing/fixtures';
import { given } from './testing/given';

const finding = {
  rule: 'card_failures',
  window: '10m',
  count: 5,
  threshold: 5,
  paymentIds: [PAYMENT_ID, 'p2'],
  tripId: 'card_failures:p2',
};

describe('Payment: fraud velocity', () => {
  it('flags with what the rule found, in any state', () => {
    const flag: PaymentCommandOf<'FlagFraud'> = {
      type: 'FlagFraud',
      data: { paymentId: PAYMENT_ID, reason: 'velocity:card_failures', ...finding },
      now: NOW,
    };
    const flagged: PaymentEvent = {
      type: 'PaymentFraudFlagged',
      data: { paymentId: PAYMENT_ID, reason: 'velocity:card_failures', ...finding, flaggedAt: AT },
    };
    given(histories.pending()).when(flag).then([flagged]);
    given(histories.processing()).when(flag).then([flagged]);
  });

  it('keeps the risk signals a payment was created with', () => {
    const risk = { ipAddress: '192.0.2.7', ipCountry: 'NG', tokens: { ip: 'ftok_i' } };
    given([])
      .when({ type: 'CreatePayment', data: { paymentId: PAYMENT_ID, provider: 'stripe', amount: 500, currency: 'USD', risk }, now: NOW })
      .then([
        { type: 'PaymentCreated', data: { paymentId: PAYMENT_ID, provider: 'stripe', amount: 500, currency: 'USD', risk, createdAt: AT } },
      ]);
  });

  it('keeps the signals of a failed attempt the provider reported', () => {
    const risk = { cardFingerprint: 'fp_1', tokens: { card: 'ftok_1' } };
    given(histories.processing())
      .when({
        type: 'RecordAttemptFailure',
        data: { paymentId: PAYMENT_ID, attemptId: 'ch_1', errorCode: 'card_declined', risk },
        now: NOW,
      })
      .then([
        {
          type: 'PaymentAttemptFailed',
          data: { paymentId: PAYMENT_ID, attemptId: 'ch_1', errorCode: 'card_declined', risk, failedAt: AT },
        },
      ]);
  });
});
