import { formatAmount } from '../../../libs/monitoring/src/rules/format-amount';
import { amount, major } from '../../../apps/ledger-api/web/src/format';

describe('Dashboard page money formatting', () => {
  it("uses each currency's exponent, code first: JPY 0, USD 2, KWD 3", () => {
    expect(amount(5000, 'JPY')).toBe('JPY 5,000');
    expect(amount('1999', 'USD')).toBe('USD 19.99');
    expect(amount('12345', 'KWD')).toBe('KWD 12.345');
    expect(amount(5, 'USD')).toBe('USD 0.05');
    expect(amount('0', 'KWD')).toBe('KWD 0.000');
  });

  it.each([
    ['123456', 'THB', 'THB 1,234.56'],
    ['150000000', 'IDR', 'IDR 1,500,000.00'],
    ['4200000', 'COP', 'COP 42,000.00'],
    ['1099', 'TWD', 'TWD 10.99'],
    ['500', 'ISK', 'ISK 500'],
    ['3800', 'UGX', 'UGX 3,800'],
    ['2500', 'XOF', 'XOF 2,500'],
    ['5120', 'OMR', 'OMR 5.120'],
    ['179', 'XCG', 'XCG 1.79'],
  ])('formats %s %s, a currency known since issue 28, with its ISO exponent: %s, as the alert titles do', (minor, currency, text) => {
    expect(amount(minor, currency)).toBe(text);
    expect(formatAmount(minor, currency)).toBe(text);
  });

  it('says "minor units" for a unit the ledger does not take as a currency (gold, SDR, a funds code)', () => {
    for (const code of ['XAU', 'XDR', 'CLF']) expect(amount('1000', code)).toBe(`${code} 1000 (minor units)`);
  });

  it('keeps every digit of a sum beyond 2^53 (decimal strings are shifted, never divided)', () => {
    expect(amount('123456789012345678901', 'USD')).toBe('USD 1,234,567,890,123,456,789.01');
  });

  it('shows a negative net with a minus sign', () => {
    expect(amount('-1500', 'USD')).toBe('USD −15.00');
  });

  it('writes amounts as the alert titles do (libs/monitoring formatAmount), so a page and a page-out agree', () => {
    for (const [minor, currency] of [
      [150_000, 'USD'],
      [5_000, 'JPY'],
      [12_345, 'KWD'],
      ['-1500', 'USD'],
      ['123456789012345678901', 'NGN'],
      [7, 'XYZ'],
    ] as const) {
      expect(amount(minor, currency)).toBe(formatAmount(minor, currency));
    }
  });

  it('converts to major units only for drawing', () => {
    expect(major('12345', 'KWD')).toBeCloseTo(12.345);
    expect(major('5000', 'JPY')).toBe(5000);
  });
});
