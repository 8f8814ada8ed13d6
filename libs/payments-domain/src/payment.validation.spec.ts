import { InvalidAmountError, PaymentAlreadyExistsError, RefundExceedsCapturedError, UnknownCurrencyError } from './errors';
import { commands, events, histories } from './testing/fixtures';
import { given } from './testing/given';

const badAmounts: Array<[string, number]> = [
  ['zero', 0],
  ['negative', -100],
  ['fractional', 19.99],
  ['unsafe', 2 ** 53],
  ['NaN', Number.NaN],
  ['infinite', Number.POSITIVE_INFINITY],
];

describe('Payment', () => {
  describe('when created with invalid data', () => {
    it.each(badAmounts)('refuses a %s amount', (_, amount) => {
      given([]).when(commands.create(amount)).thenThrows(InvalidAmountError);
    });

    it('refuses an unknown currency', () => {
      given([]).when(commands.create(100, 'XYZ')).thenThrows(UnknownCurrencyError, { currency: 'XYZ' });
    });

    it('refuses a lower-case currency code', () => {
      given([]).when(commands.create(100, 'usd')).thenThrows(UnknownCurrencyError);
    });

    it('refuses a currency that only looks like an object key', () => {
      given([]).when(commands.create(100, 'constructor')).thenThrows(UnknownCurrencyError);
    });

    it('accepts the largest safe amount', () => {
      const amount = Number.MAX_SAFE_INTEGER;
      given([])
        .when(commands.create(amount, 'JPY'))
        .then([events.created(amount, 'JPY')]);
    });

    it('reports an existing payment before judging the new data', () => {
      given(histories.pending()).when(commands.create(-1)).thenThrows(PaymentAlreadyExistsError);
    });
  });

  describe('when refunding with an invalid amount', () => {
    it.each(badAmounts)('refuses a %s amount', (_, amount) => {
      given(histories.succeeded()).when(commands.refund(amount)).thenThrows(InvalidAmountError);
    });
  });

  describe('when disputing with an invalid amount', () => {
    it.each(badAmounts)('refuses a %s amount', (_, amount) => {
      given(histories.succeeded()).when(commands.openDispute(amount)).thenThrows(InvalidAmountError);
    });
  });

  describe('when amounts are near the safe-integer limit', () => {
    const max = Number.MAX_SAFE_INTEGER;
    const history = [events.created(max, 'USD'), events.processing(), events.succeeded(max, 'USD')];

    it('refunds everything in two parts without losing precision', () => {
      given([...history, events.refunded(max - 1, max - 1)])
        .when(commands.refund(1, 're_2'))
        .then([events.refunded(1, max, 're_2')]);
    });

    it('refuses one unit more than is left', () => {
      given([...history, events.refunded(max - 1, max - 1)])
        .when(commands.refund(2, 're_2'))
        .thenThrows(RefundExceedsCapturedError, { requested: 2, refundable: 1 });
    });
  });
});
