import { canonicalJson, requestHash } from './hashing';

const request = { endpoint: 'POST /v1/payments/:id/refunds', params: { id: 'p1' }, body: { amount: 5 } };

describe('Request hashing', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it('hashes the same request the same way whatever the key order', () => {
    expect(requestHash({ ...request, body: { amount: 5, reason: 'r' } })).toBe(
      requestHash({ ...request, body: { reason: 'r', amount: 5 } }),
    );
  });

  it('tells apart another endpoint, another payment and another body', () => {
    const base = requestHash(request);
    expect(requestHash({ ...request, endpoint: 'POST /v1/payments/:id/disputes' })).not.toBe(base);
    expect(requestHash({ ...request, params: { id: 'p2' } })).not.toBe(base);
    expect(requestHash({ ...request, body: { amount: 6 } })).not.toBe(base);
  });
});
