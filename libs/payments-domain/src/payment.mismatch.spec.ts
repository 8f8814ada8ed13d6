import type { PaymentCommandOf } from './commands';
import { CurrencyMismatchError, InvalidStateTransitionError, NothingToReviewError } from './errors';
import type { PaymentEvent, PaymentEventOf } from './events';
import { foldPayment, paymentStatus } from './payment';
import { AMOUNT, AT, NOW, PAYMENT_ID, commands, events, histories } from './testing/fixtures';
import { given } from './testing/given';

const id = { paymentId: PAYMENT_ID };
const report = (amount: number, currency = 'USD', reference = 'pi_forged'): PaymentCommandOf<'ReportProviderMismatch'> => ({
  type: 'ReportProviderMismatch',
  data: {
    ...id,
    mismatchId: `payment:${reference}`,
    subject: 'payment',
    kind: currency === 'USD' ? 'amount' : 'currency',
    holds: true,
    provider: { amount, currency, references: [reference] },
    eventType: 'payment_intent.succeeded',
  },
  now: NOW,
});
const mismatch = (amount: number, currency = 'USD', reference = 'pi_forged', ours = AMOUNT): PaymentEventOf<'PaymentProviderMismatch'> => ({
  type: 'PaymentProviderMismatch',
  data: {
    ...id,
    mismatchId: `payment:${reference}`,
    subject: 'payment',
    kind: currency === 'USD' ? 'amount' : 'currency',
    holds: true,
    ours: { amount: ours, currency: 'USD' },
    provider: { amount, currency, references: [reference] },
    eventType: 'payment_intent.succeeded',
    detectedAt: AT,
  },
});
const review = (decision: 'accept_provider' | 'refund' | 'write_off'): PaymentCommandOf<'ReviewMismatch'> => ({
  type: 'ReviewMismatch',
  data: { ...id, decision, note: 'checked with the provider' },
  now: NOW,
});
const reviewed = (decision: string, amount: number, currency = 'USD', stillOpen = 0): PaymentEvent => ({
  type: 'PaymentMismatchReviewed',
  data: {
    ...id,
    mismatchId: 'payment:pi_forged',
    decision: decision as 'refund',
    note: 'checked with the provider',
    amount,
    currency,
    stillOpen,
    reviewedAt: AT,
  },
});
const providerSuccess = (amount: number, currency = 'USD'): PaymentCommandOf<'MarkPaymentSucceeded'> => ({
  type: 'MarkPaymentSucceeded',
  data: { ...id, providerPaymentId: 'pi_real', amount, currency, authorizedAmount: amount },
  now: NOW,
});

describe('Payment: provider facts that contradict the books', () => {
  it('keeps both sides of a forged amount and holds the payment in needs_review, booking nothing', () => {
    given(histories.processing())
      .when(report(1, 'JPY'))
      .then([mismatch(1, 'JPY')]);
    const state = foldPayment([...histories.processing(), mismatch(1, 'JPY')]);
    expect(paymentStatus(state)).toBe('needs_review');
    expect(state.captured).toBe(0);
  });

  it('records the same provider object once, however often it is reported', () => {
    given([...histories.processing(), mismatch(1, 'JPY')])
      .when(report(1, 'JPY'))
      .then([]);
  });

  it("refuses the API's success at our amount while a mismatch holds the payment", () => {
    given([...histories.processing(), mismatch(1)])
      .when(commands.markSucceeded())
      .thenThrows(InvalidStateTransitionError, { from: 'needs_review' });
  });

  it("books the provider's own matching capture, and stays in needs_review until the review", () => {
    const history = [...histories.processing(), mismatch(1)];
    given(history)
      .when(providerSuccess(AMOUNT))
      .then([
        { type: 'PaymentSucceeded', data: { ...id, amount: AMOUNT, currency: 'USD', providerPaymentId: 'pi_real', succeededAt: AT } },
      ]);
    const after = foldPayment([...history, events.succeeded()]);
    expect(paymentStatus(after)).toBe('needs_review');
    expect(paymentStatus(foldPayment([...history, events.succeeded(), reviewed('write_off', 1)]))).toBe('succeeded');
  });

  it('never books a success in another currency than the payment', () => {
    given(histories.processing())
      .when(providerSuccess(AMOUNT, 'EUR'))
      .thenThrows(CurrencyMismatchError, { expected: 'USD', actual: 'EUR' });
  });

  it("accept_provider books the provider's amount as the capture, at the time the provider reported it", () => {
    given([...histories.processing(), mismatch(1)])
      .when(review('accept_provider'))
      .then([
        reviewed('accept_provider', 1),
        { type: 'PaymentSucceeded', data: { ...id, amount: 1, currency: 'USD', providerPaymentId: 'pi_forged', succeededAt: AT } },
      ]);
    const state = foldPayment([...histories.processing(), mismatch(1), reviewed('accept_provider', 1), events.succeeded(1)]);
    expect(paymentStatus(state)).toBe('succeeded');
    expect(state.captured).toBe(1);
  });

  it('accept_provider refuses an amount in another currency: it cannot be this payment', () => {
    given([...histories.processing(), mismatch(1, 'JPY')])
      .when(review('accept_provider'))
      .thenThrows(CurrencyMismatchError, { expected: 'USD', actual: 'JPY' });
  });

  it.each(['refund', 'write_off'] as const)(
    '%s settles the mismatch and books nothing: the payment is back where its own facts put it',
    (decision) => {
      given([...histories.processing(), mismatch(1, 'JPY')])
        .when(review(decision))
        .then([reviewed(decision, 1, 'JPY')]);
      expect(paymentStatus(foldPayment([...histories.processing(), mismatch(1, 'JPY'), reviewed(decision, 1, 'JPY')]))).toBe('processing');
    },
  );

  it('settles the oldest mismatch first, and says how many still hold the payment', () => {
    const two = [...histories.processing(), mismatch(1), mismatch(5, 'EUR', 'pi_other')];
    given(two)
      .when(review('write_off'))
      .then([reviewed('write_off', 1, 'USD', 1)]);
    expect(paymentStatus(foldPayment([...two, reviewed('write_off', 1, 'USD', 1)]))).toBe('needs_review');
  });

  it('refuses a review when nothing holds the payment', () => {
    given(histories.succeeded()).when(review('refund')).thenThrows(NothingToReviewError, { paymentId: PAYMENT_ID });
  });

  it('a mismatch that does not hold the payment (a refund in another currency) leaves its status alone', () => {
    const refundInYen: PaymentEvent = {
      ...mismatch(500, 'JPY', 're_1', AMOUNT),
      data: { ...mismatch(500, 'JPY', 're_1').data, mismatchId: 'refund:re_1', subject: 'refund', holds: false },
    };
    const state = foldPayment([...histories.succeeded(), refundInYen]);
    expect(paymentStatus(state)).toBe('succeeded');
    expect(state.refunded).toBe(0);
  });
});
