import { canonicalJson, deterministicUuid, requestHash } from './hashing';

describe('Request hashing', () => {
  it('ignores key order at every depth but not values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(requestHash({ a: 1, b: 2 })).toBe(requestHash({ b: 2, a: 1 }));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: '1' }));
  });

  it('treats an absent body as an empty object', () => {
    expect(requestHash(undefined)).toBe(requestHash({}));
  });
});

describe('Deterministic event ids', () => {
  it('are version-5-shaped UUIDs, stable for the same parts and distinct otherwise', () => {
    const id = deterministicUuid('key-id', 'idem', 'payment-1', '0');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicUuid('key-id', 'idem', 'payment-1', '0')).toBe(id);
    expect(deterministicUuid('key-id', 'idem', 'payment-1', '1')).not.toBe(id);
    expect(deterministicUuid('other', 'idem', 'payment-1', '0')).not.toBe(id);
  });

  it('cannot be forged by moving text between parts', () => {
    expect(deterministicUuid('ab', 'c')).not.toBe(deterministicUuid('a', 'bc'));
  });
});
