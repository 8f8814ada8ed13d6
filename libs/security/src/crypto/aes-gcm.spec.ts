import { randomBytes } from 'node:crypto';
import {
  decrypt,
  DecryptionFailedError,
  encrypt,
  EncryptionKeyTooShortError,
  InvalidKeyringError,
  keyringFromSecret,
  rotateKeyring,
} from './aes-gcm';

const SECRET = 'correct horse battery staple, 32+';

describe('keyringFromSecret', () => {
  it('derives the same 32-byte key from the same secret', () => {
    const a = keyringFromSecret(SECRET);
    const b = keyringFromSecret(SECRET);
    expect(a.current).toBe('k1');
    expect(a.keys.k1).toHaveLength(32);
    expect(a.keys.k1.equals(b.keys.k1)).toBe(true);
    expect(keyringFromSecret(SECRET, 'k2').keys.k2.equals(a.keys.k1)).toBe(false);
  });

  it('refuses a secret shorter than 32 characters', () => {
    expect(() => keyringFromSecret('x'.repeat(31))).toThrow(EncryptionKeyTooShortError);
    expect(() => keyringFromSecret('x'.repeat(32))).not.toThrow();
  });

  it('refuses a key id that would break the envelope', () => {
    expect(() => keyringFromSecret(SECRET, 'k.1')).toThrow(InvalidKeyringError);
  });
});

describe('encrypt / decrypt', () => {
  const keyring = keyringFromSecret(SECRET);

  it('round-trips text, including unicode and the empty string', () => {
    for (const text of ['hello', 'naïve ₦ 100 — 東京', '']) {
      expect(decrypt(encrypt(text, keyring), keyring)).toBe(text);
    }
  });

  it('writes a v1 envelope with a fresh IV each time', () => {
    const a = encrypt('same', keyring);
    const b = encrypt('same', keyring);
    expect(a).toMatch(/^v1\.k1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(a).not.toBe(b);
  });

  it('decrypts an old envelope after a new current key is added', () => {
    const old = encrypt('before rotation', keyring);
    const rotated = rotateKeyring(keyring, 'k2', randomBytes(32));
    const fresh = encrypt('after rotation', rotated);
    expect(fresh.startsWith('v1.k2.')).toBe(true);
    expect(decrypt(old, rotated)).toBe('before rotation');
    expect(decrypt(fresh, rotated)).toBe('after rotation');
    expect(() => decrypt(fresh, keyring)).toThrow(/unknown key id/);
  });

  it('refuses rotation to an existing id or a key of the wrong size', () => {
    expect(() => rotateKeyring(keyring, 'k1', randomBytes(32))).toThrow(InvalidKeyringError);
    expect(() => rotateKeyring(keyring, 'k2', randomBytes(16))).toThrow(InvalidKeyringError);
  });

  it.each([0, 2, 3, 4])('detects tampering with part %i', (index) => {
    const parts = encrypt('amount=1000', keyring).split('.');
    const part = parts[index];
    const flipped = (part[0] === 'A' ? 'B' : 'A') + part.slice(1);
    parts[index] = flipped;
    expect(() => decrypt(parts.join('.'), keyring)).toThrow(DecryptionFailedError);
  });

  it('refuses a tag whose unused trailing bits were changed (node would decode it to the same bytes)', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const parts = encrypt('amount=1000', keyring).split('.');
    const tag = parts[3];
    const altered = tag.slice(0, -1) + alphabet[alphabet.indexOf(tag.slice(-1)) ^ 1];
    expect(Buffer.from(altered, 'base64url').equals(Buffer.from(tag, 'base64url'))).toBe(true);
    parts[3] = altered;
    expect(() => decrypt(parts.join('.'), keyring)).toThrow(DecryptionFailedError);
  });

  it('refuses the wrong key, the wrong context and malformed input', () => {
    const envelope = encrypt('x', keyring, 'payments.customer');
    expect(decrypt(envelope, keyring, 'payments.customer')).toBe('x');
    expect(() => decrypt(envelope, keyring, 'other')).toThrow(DecryptionFailedError);
    expect(() => decrypt(envelope, { current: 'k1', keys: { k1: randomBytes(32) } }, 'payments.customer')).toThrow(DecryptionFailedError);
    expect(() => decrypt('v1.k1.abc', keyring)).toThrow(DecryptionFailedError);
    expect(() => decrypt('plain text', keyring)).toThrow(DecryptionFailedError);
  });
});
