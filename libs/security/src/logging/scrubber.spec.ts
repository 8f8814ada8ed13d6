import fc from 'fast-check';
import { generateApiKey } from '../api-keys';
import { luhnCheckDigit } from '../card-data/luhn';
import { scrubText } from './scrubber';

describe('scrubText', () => {
  it('masks PANs in free text to the last four digits', () => {
    expect(scrubText('paid with 4242 4242 4242 4242 and 378282246310005')).toBe('paid with **** **** **** 4242 and **** **** **** 0005');
  });

  it('keeps a JSON line valid when a PAN is a bare number', () => {
    const line = scrubText('{"amount":4111111111111111,"list":[5555555555554444]}');
    expect(JSON.parse(line)).toEqual({ amount: '**** **** **** 1111', list: ['**** **** **** 4444'] });
  });

  it.each([
    ['cvv=123&x=1', 'cvv=[REDACTED]&x=1'],
    ['{"cvc":"123","a":1}', '{"cvc":"[REDACTED]","a":1}'],
    ['{"cvv":123}', '{"cvv":"[REDACTED]"}'],
    ['{"body":"{\\"card_cvc\\":\\"123\\"}"}', '{"body":"{\\"card_cvc\\":\\"[REDACTED]\\"}"}'],
    ['pin: 1234, securityCode=999', 'pin: [REDACTED], securityCode=[REDACTED]'],
  ])('redacts card security fields in %s', (input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it('redacts bearer tokens, provider secrets and our API keys', () => {
    const { id, key } = generateApiKey();
    const text = [
      'Authorization: Bearer abc.def-ghi',
      'secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'stripe sk_live_51HxAbCdEf and sk_test_4eC39HqLyjWDarjtT1zdp7dc',
      `key ${key}`,
    ].join('\n');
    const out = scrubText(text);
    expect(out).toBe(
      [
        'Authorization: Bearer [REDACTED]',
        'secret whsec_[REDACTED]',
        'stripe sk_live_[REDACTED] and sk_test_[REDACTED]',
        `key lk_${id}_[REDACTED]`,
      ].join('\n'),
    );
    expect(scrubText(`Bearer ${key}`)).toBe('Bearer [REDACTED]');
  });

  it('redacts long secrets and any password after their keys', () => {
    const hex = 'a3f1'.repeat(16);
    expect(scrubText(`secret=${hex} encryptionKey: "${hex}"`)).toBe('secret=[REDACTED] encryptionKey: "[REDACTED]"');
    expect(scrubText('{"password":"hunter22","client_secret":"c2VjcmV0LXZhbHVlLWhlcmU="}')).toBe(
      '{"password":"[REDACTED]","client_secret":"[REDACTED]"}',
    );
  });

  it('leaves ordinary values and identifiers alone', () => {
    const text =
      '{"amount":100000,"at":"2024-01-15T10:30:00.000Z","id":"550e8400-e29b-41d4-a716-446655440000",' +
      '"idempotencyKey":"checkout-2024-01-15-000123","key":"short","last4":"4242"}';
    expect(scrubText(text)).toBe(text);
  });

  it('is stable when applied twice', () => {
    const once = scrubText('{"cvv":"1","secret":"' + 'b'.repeat(40) + '"} Bearer x 4111111111111111');
    expect(scrubText(once)).toBe(once);
  });
});

describe('scrubText with the shared detector', () => {
  it('sees an escaped tab or newline in a JSON string as the separator it is', () => {
    const line = JSON.stringify({ msg: 'card 4111\t1111\n1111 1111' });
    expect(line).toContain('\\t');
    expect(JSON.parse(scrubText(line)).msg).toBe('card **** **** **** 1111');
  });

  it('masks Unicode digits and zero-width separators', () => {
    expect(scrubText('n \uff14\uff11\uff11\uff11 1111\u200b1111 1111')).toBe('n **** **** **** 1111');
  });

  it('never joins two fields or list items of a JSON line', () => {
    const line = JSON.stringify({ a: ['4111', '1111', '1111', '1111'], b: '4111', c: '1111 1111 1111' });
    expect(scrubText(line)).toBe(line);
  });

  it('masks an integer too large to have been read exactly', () => {
    expect(JSON.parse(scrubText('{"n":4111111111111111111}')).n).toBe('[REDACTED]');
  });

  it('redacts every sensitive field name, and only those', () => {
    expect(scrubText('cvvCode=123 card_cvc: 456 shipping=22 company=9')).toBe(
      'cvvCode=[REDACTED] card_cvc: [REDACTED] shipping=22 company=9',
    );
    expect(scrubText('{"cardCvv":"123","tracking":"1Z999"}')).toBe('{"cardCvv":"[REDACTED]","tracking":"1Z999"}');
  });
});

describe('scrubText on random text', () => {
  const shapes: ReadonlyArray<readonly [string, number]> = [
    ['4', 13],
    ['4', 16],
    ['4', 19],
    ['51', 16],
    ['2221', 16],
    ['34', 15],
    ['6011', 16],
    ['65', 19],
    ['36', 14],
    ['3528', 17],
    ['62', 18],
    ['506099', 16],
    ['650002', 19],
    ['56', 13],
  ];
  const panArb = fc
    .constantFrom(...shapes)
    .chain(([prefix, length]) =>
      fc
        .array(fc.integer({ min: 0, max: 9 }), { minLength: length - 1 - prefix.length, maxLength: length - 1 - prefix.length })
        .map((digits) => prefix + digits.join('')),
    )
    .map((body) => body + luhnCheckDigit(body));
  const textArb = fc.string({ unit: fc.constantFrom(...'abcXYZ 0123456789-:,."{}\n'), maxLength: 40 });
  const formatArb = fc.constantFrom('', ' ', '-');
  const boundaryArb = fc.constantFrom(' ', '\n', 'x', '"', ': ');

  const embed = (pan: string, sep: string): string => (sep ? pan.replace(/(\d{4})(?=\d)/g, `$1${sep}`) : pan);

  it('never lets an embedded PAN through, in plain text or in a JSON line', () => {
    fc.assert(
      fc.property(textArb, panArb, formatArb, boundaryArb, textArb, (before, pan, sep, boundary, after) => {
        const text = `${before}${boundary}${embed(pan, sep)}${boundary}${after}`;
        const plain = scrubText(text);
        const json = scrubText(JSON.stringify({ msg: text }));
        expect(plain.replace(/[ -]/g, '')).not.toContain(pan);
        expect(json.replace(/[ -]/g, '')).not.toContain(pan);
        expect(() => JSON.parse(json)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});

describe('scrubText on a JSON line', () => {
  it('keeps a PAN that sits after a comma inside a string a string (found by the property above)', () => {
    const line = JSON.stringify({ msg: ', 4000000000006 ,' });
    const scrubbed = scrubText(line);
    expect(JSON.parse(scrubbed).msg).toBe(', **** **** **** 0006 ,');
  });
});
