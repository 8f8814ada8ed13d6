import { InvalidAmountError, UnknownCurrencyError } from './errors';
import { CURRENCIES, currencyExponent, formatMinor, isKnownCurrency, money } from './money';

describe('Money', () => {
  describe('currency exponents', () => {
    it.each([
      ['JPY', 0],
      ['USD', 2],
      ['KWD', 3],
      ['XOF', 0],
      ['NGN', 2],
      ['BHD', 3],
    ])('knows %s has %i decimals', (code, exponent) => {
      expect(isKnownCurrency(code)).toBe(true);
      expect(currencyExponent(code)).toBe(exponent);
    });

    it.each(['XYZ', 'usd', '', 'toString', '__proto__'])('does not know %p', (code) => {
      expect(isKnownCurrency(code)).toBe(false);
      expect(() => currencyExponent(code)).toThrow(UnknownCurrencyError);
    });

    it('lists only three-letter upper-case codes with exponents 0, 2 or 3', () => {
      for (const code of CURRENCIES) {
        expect(code).toMatch(/^[A-Z]{3}$/);
        expect([0, 2, 3]).toContain(currencyExponent(code));
      }
    });
  });

  describe('money()', () => {
    it('builds a value of minor units', () => {
      expect(money(1999, 'USD')).toEqual({ amount: 1999, currency: 'USD' });
      expect(money(0, 'JPY')).toEqual({ amount: 0, currency: 'JPY' });
      expect(money(Number.MAX_SAFE_INTEGER, 'KWD').amount).toBe(Number.MAX_SAFE_INTEGER);
    });

    it.each([
      ['negative', -1],
      ['fractional', 19.99],
      ['unsafe', Number.MAX_SAFE_INTEGER + 1],
      ['NaN', Number.NaN],
      ['infinite', Number.POSITIVE_INFINITY],
    ])('refuses a %s amount', (_, amount) => {
      expect(() => money(amount, 'USD')).toThrow(InvalidAmountError);
    });

    it('refuses an unknown currency', () => {
      expect(() => money(100, 'XYZ')).toThrow(UnknownCurrencyError);
    });
  });

  describe('formatMinor()', () => {
    it.each([
      [1999, 'USD', '19.99'],
      [5, 'USD', '0.05'],
      [0, 'USD', '0.00'],
      [100000, 'USD', '1000.00'],
      [1000, 'JPY', '1000'],
      [0, 'JPY', '0'],
      [1500, 'KWD', '1.500'],
      [7, 'KWD', '0.007'],
      [Number.MAX_SAFE_INTEGER, 'USD', '90071992547409.91'],
    ])('formats %p %s as %p', (amount, currency, expected) => {
      expect(formatMinor(amount, currency)).toBe(expected);
    });

    it('formats sums beyond the safe-integer range given as bigint', () => {
      expect(formatMinor(12345678901234567890n, 'USD')).toBe('123456789012345678.90');
    });

    it('refuses negative, fractional and unknown inputs', () => {
      expect(() => formatMinor(-1, 'USD')).toThrow(InvalidAmountError);
      expect(() => formatMinor(-1n, 'USD')).toThrow(InvalidAmountError);
      expect(() => formatMinor(1.5, 'USD')).toThrow(InvalidAmountError);
      expect(() => formatMinor(1, 'XYZ')).toThrow(UnknownCurrencyError);
    });
  });
});
