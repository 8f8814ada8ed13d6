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
    ['dots', 'n 4111.1111.1111.1111', '4111.1111.1111.1111'],
    ['underscores and slashes', '4111_1111/1111_1111', '4111_1111/1111_1111'],
    ['commas', '4111,1111,1111,1111', '4111,1111,1111,1111'],
    ['tabs and newlines', '4111\t1111\n1111\r\n1111', '4111\t1111\n1111\r\n1111'],
    ['double and non-breaking spaces', '4111  1111\u00a01111\u00a0 1111', '4111  1111\u00a01111\u00a0 1111'],
    ['en dashes with spaces', '4111 \u2013 1111 \u2013 1111 \u2013 1111', '4111 \u2013 1111 \u2013 1111 \u2013 1111'],
    [
      'zero-width characters',
      '4111\u200b\u200b\u200b\u200b1111\u200d1111\ufeff1111',
      '4111\u200b\u200b\u200b\u200b1111\u200d1111\ufeff1111',
    ],
    [
      'fullwidth digits',
      '\uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11',
      '\uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11',
    ],
    [
      'Arabic-Indic digits',
      '\u0664\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661',
      '\u0664\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661\u0661',
    ],
    ['Devanagari digits mixed with ASCII', '\u096a\u0967\u0967\u0967 1111 1111 1111', '\u096a\u0967\u0967\u0967 1111 1111 1111'],
    ['digits glued before and after', 'ref 0012411111111111111199', '4111111111111111'],
    ['a short fraction before the rest of the number', 'ref 0.4111 1111 1111 1111', '4111 1111 1111 1111'],
    ['digits glued to a date-time', '2026-12-01T08:17:23+00:004111111111111111', '4111111111111111'],
    ['a Mir card', 'mir 2200 0000 0000 0004', '2200 0000 0000 0004'],
    ['a 19-digit UnionPay card', '6200000000000000000', '6200000000000000000'],
    ['a UUID-shaped value that is not a generated UUID', 'id 550e8400-e29b-41d4-4111-111111111111', '4111-111111111111'],
    ['a card number glued to a UUID by a dash', '4111111111111111-abcdefab-cdef-4abc-8abc-abcdefabcdef', '4111111111111111'],
    ['digits four separators apart', '4111 -- 1111 -- 1111 -- 1111', '4111 -- 1111 -- 1111 -- 1111'],
    ['four dots between groups', '4242....4242....4242....4242', '4242....4242....4242....4242'],
    ['four underscores between groups', '6011____1111____1111____1117', '6011____1111____1111____1117'],
    ['four spaces between groups', 'card 4242    4242    4242    4242', '4242    4242    4242    4242'],
    ['a separator between every digit', '4-2-4-2-4-2-4-2-4-2-4-2-4-2-4-2', '4-2-4-2-4-2-4-2-4-2-4-2-4-2-4-2'],
    [
      'groups 60 separators apart',
      ['4242', '4242', '4242', '4242'].join('/'.repeat(60)),
      ['4242', '4242', '4242', '4242'].join('/'.repeat(60)),
    ],
    ['a date-time between its groups', '4111 1111 2026-12-01T08:17:23Z 1111 1111', '4111 1111 2026-12-01T08:17:23Z 1111 1111'],
    ['an IPv4 address between its groups', '4111 1111 10.0.0.1 1111 1111', '4111 1111 10.0.0.1 1111 1111'],
    ['an IPv4 address before it', 'from 10.0.0.1 4111 1111 1111 1111', '4111 1111 1111 1111'],
    ['digits glued to an IPv4-like prefix', '1.2.3.4111111111111111', '3.4111111111111111'],
  ])('finds a PAN with %s', (_label, text, pan) => {
    expect(found(text)).toEqual([pan]);
  });

  it('does not exempt a UUID with digits before it across any number of separators', () => {
    expect(found('4111 1111 -- -- 11111111-abcd-4abc-8abc-abcdefabcdef')).toEqual(['4111 1111 -- -- 11111111']);
  });

  it('finds every PAN in a text', () => {
    expect(found('a 4111111111111111, b 378282246310005')).toEqual(['4111111111111111', '378282246310005']);
  });

  it.each([
    ['a 16-digit number failing Luhn in every window', 'ref 4111111111111112'],
    ['an amount', 'amount 100000 and 1999'],
    ['an ISO timestamp', '2024-01-15T10:30:00.000Z and 2024-01-15 10:30:00'],
    ['an epoch in milliseconds', 'at 1700000000000'],
    ['a UUID', 'id 550e8400-e29b-41d4-a716-446655440000'],
    ['a generated UUID whose digits chain', 'id 12345678-1234-4123-8411-111111111111'],
    ['a generated UUID behind a prefix with a dash', 'c-12345678-1234-4123-8411-111111111111'],
    ['digits broken by letters', '4111x1111x1111x1111'],
    ['digits spread wider than MAX_PAN_SPAN', ['4242', '4242', '4242', '4242'].join(' '.repeat(90))],
    ['a phone number', '+44 20 7946 0958'],
    ['a masked card', '**** **** **** 4242'],
    ['date-times with microseconds and offsets', '2026-12-01T08:17:23.123456+00:00, 2026-12-01 22:01:23.456789+05:30'],
    ['a random fraction', 'key-0.8123456789012345 and 0.30000000000000004'],
    ['a cluster of IPv4 addresses and ports', 'EventStoreDB unreachable at 127.0.0.1:2113,127.0.0.1:2123,127.0.0.1:2133?tls=true'],
    ['IPv4 addresses listed with spaces', 'peers 192.168.100.200:21130, 192.168.100.201:21130'],
  ])('ignores %s', (_label, text) => {
    expect(findPans(text)).toEqual([]);
  });

  it('merges overlapping windows into one match', () => {
    expect(findPans('4111111111111111111')).toHaveLength(1);
  });
});

describe('maskPans', () => {
  it('keeps only the last four digits', () => {
    expect(maskPans('pay 4242 4242 4242 4242 now')).toBe('pay **** **** **** 4242 now');
  });

  it('masks Unicode digits by their value', () => {
    expect(maskPans('\uff14\uff12\uff14\uff12'.repeat(4))).toBe('**** **** **** 4242');
  });

  it('leaves text without PANs alone', () => {
    expect(maskPans('amount 100000 at 2024-01-15')).toBe('amount 100000 at 2024-01-15');
  });
});
