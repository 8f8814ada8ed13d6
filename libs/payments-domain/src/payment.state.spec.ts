import type { PaymentEvent } from './events';
import { evolve, foldPayment, initialState, paymentStatus } from './payment';
import { AMOUNT, AT, events, histories } from './testing/fixtures';

describe('Payment', () => {
  describe('state', () => {
    it('starts as none, with nothing captured', () => {
      expect(initialState()).toEqual({
        status: 'none',
        amount: 0,
        captured: 0,
        refunded: 0,
        refunds: { entries: {}, named: 0, reportedMax: 0, reversed: 0 },
        disputed: false,
        disputes: {},
        fraudFlags: 0,
        finalFailure: false,
        attempts: {},
        mismatches: {},
      });
      expect(paymentStatus(initialState())).toBeUndefined();
    });

    it('keeps only what decisions need', () => {
      const state = foldPayment([...histories.partiallyRefunded(), events.disputed(), events.fraudFlagged()]);
      expect(state).toEqual({
        status: 'succeeded',
        provider: 'stripe',
        currency: 'USD',
        amount: AMOUNT,
        captured: AMOUNT,
        refunded: 4_000,
        refunds: {
          entries: { re_1: { amount: 4_000, at: Date.parse(AT), confirmed: true, reversed: false } },
          named: 4_000,
          reportedMax: 0,
          reversed: 0,
        },
        disputed: true,
        disputes: { dp_1: { amount: AMOUNT, open: true } },
        fraudFlags: 1,
        finalFailure: false,
        attempts: {},
        mismatches: {},
      });
    });

    it('ignores event types it does not know', () => {
      const state = foldPayment(histories.succeeded());
      const future = { type: 'PaymentChargebackWon', data: {} } as unknown as PaymentEvent;
      expect(evolve(state, future)).toBe(state);
    });

    it('does not mutate the state it evolves', () => {
      const state = initialState();
      evolve(state, events.created());
      expect(state).toEqual(initialState());
    });

    it.each([
      ['pending', histories.pending()],
      ['processing', histories.processing()],
      ['succeeded', histories.succeeded()],
      ['partially_refunded', histories.partiallyRefunded()],
      ['refunded', histories.fullyRefunded()],
      ['failed', histories.failed()],
      ['succeeded', histories.disputed()],
    ])('reports the contract status %s', (status, history) => {
      expect(paymentStatus(foldPayment(history))).toBe(status);
    });
  });
});
