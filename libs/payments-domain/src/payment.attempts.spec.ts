import type { PaymentCommandOf } from './commands';
import { InvalidStateTransitionError } from './errors';
import type { PaymentEvent } from './events';
import { foldPayment, paymentStatus } from './payment';
import { AT, NOW, PAYMENT_ID, commands, events, histories } from './testing/fixtures';
import { given } from './testing/given';

const id = { paymentId: PAYMENT_ID };
const attempt = (attemptId: string, errorCode = 'insufficient_funds'): PaymentCommandOf<'RecordAttemptFailure'> => ({
  type: 'RecordAttemptFailure',
  data: { ...id, attemptId, providerPaymentId: 'pi_1', errorCode },
  now: NOW,
});
const attemptFailed = (attemptId: string, errorCode = 'insufficient_funds'): PaymentEvent => ({
  type: 'PaymentAttemptFailed',
  data: { ...id, attemptId, providerPaymentId: 'pi_1', errorCode, failedAt: AT },
});

describe('Payment: failed attempts reported by the provider', () => {
  it('records each failed attempt as its own event; the payment is failed now', () => {
    given(histories.processing())
      .when(attempt('ch_1'))
      .then([attemptFailed('ch_1')]);
    expect(paymentStatus(foldPayment([...histories.processing(), attemptFailed('ch_1')]))).toBe('failed');
  });

  it('records a second attempt, and a repeat of one (another report of the same charge) not again', () => {
    const once = [...histories.processing(), attemptFailed('ch_1')];
    given(once)
      .when(attempt('ch_2', 'card_declined'))
      .then([attemptFailed('ch_2', 'card_declined')]);
    given(once).when(attempt('ch_1')).then([]);
  });

  it('does not end the payment: a later success moves it from failed to succeeded', () => {
    const history = [...histories.processing(), attemptFailed('ch_1')];
    given(history)
      .when({ type: 'MarkPaymentSucceeded', data: { ...id, providerPaymentId: 'pi_1', amount: 10_000, currency: 'USD' }, now: NOW })
      .then([{ type: 'PaymentSucceeded', data: { ...id, amount: 10_000, currency: 'USD', providerPaymentId: 'pi_1', succeededAt: AT } }]);
    expect(paymentStatus(foldPayment([...history, events.succeeded()]))).toBe('succeeded');
  });

  it("keeps the API's own failure final: no later success, no further attempt", () => {
    given(histories.failed()).when(commands.markSucceeded()).thenThrows(InvalidStateTransitionError, { from: 'failed' });
    given(histories.failed()).when(attempt('ch_9')).thenThrows(InvalidStateTransitionError, { from: 'failed' });
  });

  it('refuses an attempt on a payment that already succeeded', () => {
    given(histories.succeeded()).when(attempt('ch_1')).thenThrows(InvalidStateTransitionError, { from: 'succeeded' });
  });
});
