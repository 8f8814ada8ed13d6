import { amount, major } from '../../../apps/ledger-api/web/src/format';

describe('Dashboard page money formatting', () => {
  it("uses each currency's exponent: JPY 0, USD 2, KWD 3", () => {
    expect(amount(5000, 'JPY')).toBe('5,000 JPY');
    expect(amount('1999', 'USD')).toBe('19.99 USD');
    expect(amount('12345', 'KWD')).toBe('12.345 KWD');
    expect(amount(5, 'USD')).toBe('0.05 USD');
    expect(amount('0', 'KWD')).toBe('0.000 KWD');
  });

  it('keeps every digit of a sum beyond 2^53 (decimal strings are shifted, never divided)', () => {
    expect(amount('123456789012345678901', 'USD')).toBe('1,234,567,890,123,456,789.01 USD');
  });

  it('shows a negative net with a minus sign', () => {
    expect(amount('-1500', 'USD')).toBe('−15.00 USD');
  });

  it('converts to major units only for drawing', () => {
    expect(major('12345', 'KWD')).toBeCloseTo(12.345);
    expect(major('5000', 'JPY')).toBe(5000);
  });
});
