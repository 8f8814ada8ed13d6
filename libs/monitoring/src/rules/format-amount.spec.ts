import { formatAmount } from './format-amount';

describe('formatAmount (alert titles, as the dashboard tables show amounts)', () => {
  it.each([
    [150_000, 'USD', 'USD 1,500.00'],
    [5_000, 'JPY', 'JPY 5,000'],
    [12_345, 'KWD', 'KWD 12.345'],
    [5, 'USD', 'USD 0.05'],
    ['123456789012345678901', 'USD', 'USD 1,234,567,890,123,456,789.01'],
    [-1_500, 'USD', 'USD −15.00'],
  ])('%s %s → %s', (minor, currency, text) => {
    expect(formatAmount(minor, currency)).toBe(text);
  });

  it('says "minor units" only for a currency it does not know the exponent of', () => {
    expect(formatAmount(150_000, 'XYZ')).toBe('XYZ 150000 (minor units)');
  });
});
