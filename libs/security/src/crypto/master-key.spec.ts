import { EncryptionKeyTooShortError, InvalidKeyringError, decrypt, encrypt } from './aes-gcm';
import { parseMasterKey } from './master-key';

const A = 'a'.repeat(16) + 'b'.repeat(16);
const B = 'c'.repeat(16) + 'd'.repeat(16);

describe('parseMasterKey', () => {
  it('reads one plain secret as key k1', () => {
    const ring = parseMasterKey(A);
    expect(ring.current).toBe('k1');
    expect(Object.keys(ring.keys)).toEqual(['k1']);
  });

  it('reads a list whose first entry is current and keeps the older keys for decryption', () => {
    const old = parseMasterKey(`k1:${A}`);
    const sealed = encrypt('data key', old);
    const rotated = parseMasterKey(`k2:${B},k1:${A}`);
    expect(rotated.current).toBe('k2');
    expect(decrypt(sealed, rotated)).toBe('data key');
    expect(encrypt('x', rotated).startsWith('v1.k2.')).toBe(true);
  });

  it('derives the same key for the plain form and k1:<secret>', () => {
    expect(parseMasterKey(A).keys.k1.equals(parseMasterKey(`k1:${A}`).keys.k1)).toBe(true);
  });

  it('treats a secret with commas or colons that is not a list as one secret', () => {
    expect(parseMasterKey(`${A},not a list entry`).current).toBe('k1');
  });

  it('refuses a short secret in any entry and a repeated id', () => {
    expect(() => parseMasterKey(`k2:${B},k1:short`)).toThrow(EncryptionKeyTooShortError);
    expect(() => parseMasterKey(`k1:${A},k1:${B}`)).toThrow(InvalidKeyringError);
  });
});
