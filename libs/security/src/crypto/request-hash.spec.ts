import { createHash, randomBytes } from 'node:crypto';
import { keyedRequestHash, requestHashKeyId } from './request-hash';

describe('keyedRequestHash', () => {
  const canonical = '{"body":{"customerId":"alice@example.com"},"endpoint":"POST /v1/payments","params":{}}';
  const key = { id: 'dk_1', key: randomBytes(32) };

  it('is an HMAC under the data key: the same request, the same hash; another key, another hash', () => {
    expect(keyedRequestHash(key, canonical)).toBe(keyedRequestHash(key, canonical));
    expect(keyedRequestHash(key, canonical)).toMatch(/^rh1\.dk_1\.[\w-]{43}$/);
    expect(keyedRequestHash({ id: 'dk_1', key: randomBytes(32) }, canonical)).not.toBe(keyedRequestHash(key, canonical));
    expect(keyedRequestHash(key, canonical.replace('alice', 'bob'))).not.toBe(keyedRequestHash(key, canonical));
  });

  it('holds nothing a guess can be checked against without the key (not the unsalted SHA-256 of the request)', () => {
    const unsalted = createHash('sha256').update(canonical).digest('hex');
    expect(keyedRequestHash(key, canonical)).not.toContain(unsalted);
  });

  it('names the data key it was made under; an unkeyed hash names none', () => {
    expect(requestHashKeyId(keyedRequestHash(key, canonical))).toBe('dk_1');
    expect(requestHashKeyId(createHash('sha256').update(canonical).digest('hex'))).toBeUndefined();
    expect(requestHashKeyId('rh1.bad id.00')).toBeUndefined();
  });
});
