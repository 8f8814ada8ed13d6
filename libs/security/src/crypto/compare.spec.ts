import { createHmac } from 'node:crypto';
import { constantTimeEqual, hmacHex } from './compare';

describe('constantTimeEqual', () => {
  it('is true only for equal values', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual(Buffer.from('abc'), 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('handles different lengths without throwing', () => {
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
  });
});

describe('hmacHex', () => {
  it("matches the node HMAC for the providers' algorithms", () => {
    const expected = createHmac('sha512', 'sk_test_x').update('{"event":"charge.success"}').digest('hex');
    expect(hmacHex('sha512', 'sk_test_x', '{"event":"charge.success"}')).toBe(expected);
    expect(hmacHex('sha256', 'whsec_x', '1700000000.{}')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('matches the RFC 4231 test vector 2', () => {
    expect(hmacHex('sha256', 'Jefe', 'what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
