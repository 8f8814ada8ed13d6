import { findPans, maskPans } from './find-pans';

const found = (text: string): string[] => findPans(text).map((m) => text.slice(m.start, m.end));

describe('findPans', () => {
  it('finds a plain PAN with its range, brand and last four', () => {
    const text = 'card 4111111111111111 declined';
    expect(findPans(text)).toEqual([{ start: 5, end: 21, brand: 'visa', last4: '1111' }]);
  });

  it.each([
    ['spaces', 'pay 4111 1111 1111 1111 now', '4111 1111 1111 1111'],
    ['dashes', 'pay 5555-5555-5555-4444.', '5555-5555-5555-4444'],
    ['Amex grouping', 'amex 3782 822463 10005', '3782 822463 10005'],
    ['letters around it', 'x6011111111111117y', '6011111111111117'],
    ['a number before it in the same run', 'order 12 4111 1111 1111 1111', '4111 1111 1111 1111'],
  ])('finds a PAN with %s', (_label, text, pan) => {
    expect(found(text)).toEqual([pan]);
  });

  it('finds every PAN in a text', () => {
    expect(found('a 4111111111111111, b 378282246310005')).toEqual(['4111111111111111', '378282246310005']);
  });

  it.each([
    ['a 16-digit number failing Luhn', 'ref 4111111111111112'],
    ['an amount', 'amount 100000 and 1999'],
    ['an ISO timestamp', '2024-01-15T10:30:00.000Z and 2024-01-15 10:30:00'],
    ['an epoch in milliseconds', 'at 1700000000000'],
    ['a UUID', 'id 550e8400-e29b-41d4-a716-446655440000'],
    ['a UUID whose tail is a Luhn-valid Visa', 'id 550e8400-e29b-41d4-4111-111111111111'],
    ['a Luhn-valid order id of no brand', 'order 1234567812345670'],
    ['a longer unbroken number', 'trace 41111111111111111111111'],
    ['digits split by double spaces', '4111  1111  1111  1111'],
    ['a phone number', '+44 20 7946 0958'],
  ])('ignores %s', (_label, text) => {
    expect(findPans(text)).toEqual([]);
  });
});

describe('maskPans', () => {
  it('keeps only the last four digits', () => {
    expect(maskPans('pay 4242 4242 4242 4242 now')).toBe('pay **** **** **** 4242 now');
  });

  it('leaves text without PANs alone', () => {
    expect(maskPans('amount 100000 at 2024-01-15')).toBe('amount 100000 at 2024-01-15');
  });
});
