import { findBidiControls, findControlCharacters, hasControlCharacters } from './control-chars';

describe('hasControlCharacters', () => {
  it.each(['a\u0000b', 'a\u0007', '\u007f', '\u0085', '\u009b[31m', 'lone \ud800 surrogate', 'lone \udc00'])('finds them in %j', (text) => {
    expect(hasControlCharacters(text)).toBe(true);
    expect(hasControlCharacters(text, true)).toBe(true);
  });

  it('allows tab, newline and carriage return in free text only', () => {
    expect(hasControlCharacters('a\tb\r\nc', true)).toBe(false);
    expect(hasControlCharacters('a\tb')).toBe(true);
  });

  it('passes ordinary and non-Latin text, emoji included', () => {
    expect(hasControlCharacters('Zahlung für Bestellung № 42 — 支払い 😀')).toBe(false);
  });
});

describe('findControlCharacters', () => {
  it('names the paths of strings and keys holding them, never their content', () => {
    const body = { description: 'line\nbreak', reason: 'x\u0000', metadata: { ok: 'a\tb', ['k\u0001']: 'v' }, list: ['ok', '\u001b'] };
    const paths = findControlCharacters(body, (p) => p === 'description' || p.startsWith('metadata.'));
    expect(paths).toEqual(['list[1]', 'metadata["k\\u0001"]', 'reason']);
  });

  it('handles a bare string and deep nesting without recursion', () => {
    expect(findControlCharacters('\u0000')).toEqual(['(body)']);
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(findControlCharacters(deep)).toHaveLength(1);
  });
});

describe('findBidiControls', () => {
  it('names every string and key holding an embedding, override or isolate, free text included', () => {
    const body = { description: 'pay \u202Eevil', reason: 'a\u2066b\u2069', metadata: { ['k\u202A']: 'v', rtl: '\u200Fשלום \u061C' } };
    expect(findBidiControls(body)).toEqual(['description', 'metadata["k\u202a"]', 'reason']);
  });
});
