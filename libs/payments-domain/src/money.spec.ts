import { data as iso4217, publishDate } from 'currency-codes';
import { InvalidAmountError, UnknownCurrencyError } from './errors';
import { CURRENCIES, currencyExponent, formatMinor, isKnownCurrency, money } from './money';

/** ISO marks these IsFund in its list one: units of account, never a payment's currency. */
const FUNDS = ['BOV', 'CHE', 'CHW', 'CLF', 'COU', 'MXV', 'USN', 'UYI', 'UYW'];
/** Minor units "N.A." in ISO's list: precious metals, bond units, SDR, Sucre, ADB unit, testing, no currency. */
const WITHOUT_MINOR_UNITS = ['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX'];
/** Active since the package's list (2024-06-25): the Caribbean guilder, 2 decimals, from 2025-03-31. */
const NEWER_THAN_THE_PACKAGE: Record<string, number> = { XCG: 2 };

describe('Money', () => {
  describe('currency exponents', () => {
    it('are ISO 4217 list one as the currency-codes package ships it, less funds codes and codes without minor units', () => {
      expect(publishDate).toBe('2024-06-25');
      const expected = Object.fromEntries([
        ...iso4217.filter((c) => !FUNDS.includes(c.code) && !WITHOUT_MINOR_UNITS.includes(c.code)).map((c) => [c.code, c.digits]),
        ...Object.entries(NEWER_THAN_THE_PACKAGE),
      ]);
      expect(Object.fromEntries(CURRENCIES.map((code) => [code, currencyExponent(code)]))).toEqual(expected);
      expect(CURRENCIES.length).toBe(158);
    });

    it.each(['THB', 'IDR', 'PHP', 'MYR', 'TWD', 'RON', 'COP', 'HUF', 'MGA'])(
      'knows %s, refused before issue 28, has 2 decimals',
      (code) => {
        expect(isKnownCurrency(code)).toBe(true);
        expect(currencyExponent(code)).toBe(2);
      },
    );

    it.each([...FUNDS, ...WITHOUT_MINOR_UNITS])('keeps the funds code or unit %s out', (code) => {
      expect(isKnownCurrency(code)).toBe(false);
    });

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
      [1234567, 'THB', '12345.67'],
      [5, 'IDR', '0.05'],
      [500, 'ISK', '500'],
      [12, 'UGX', '12'],
      [1045, 'HUF', '10.45'],
      [5120, 'OMR', '5.120'],
      [1, 'TND', '0.001'],
      [179, 'XCG', '1.79'],
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
