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
