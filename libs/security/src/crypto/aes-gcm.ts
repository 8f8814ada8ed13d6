import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export interface Keyring {
  readonly current: string;
  readonly keys: Readonly<Record<string, Buffer>>;
}

export const MIN_SECRET_LENGTH = 32;
const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const HKDF_SALT = 'ledger/encryption-key/v1';

export class EncryptionKeyTooShortError extends Error {
  readonly code = 'encryption_key_too_short';
  constructor(length: number) {
    super(`ENCRYPTION_KEY must be at least ${MIN_SECRET_LENGTH} characters (got ${length})`);
    this.name = 'EncryptionKeyTooShortError';
  }
}

export class InvalidKeyringError extends Error {
  readonly code = 'invalid_keyring';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidKeyringError';
  }
}

export class DecryptionFailedError extends Error {
  readonly code = 'decryption_failed';
  constructor(reason: string) {
    super(`Cannot decrypt: ${reason}`);
    this.name = 'DecryptionFailedError';
  }
}

/** The key id goes into the HKDF info, so one secret never yields the same key under two ids. */
export function deriveKey(secret: string, keyId: string): Buffer {
  if (secret.length < MIN_SECRET_LENGTH) throw new EncryptionKeyTooShortError(secret.length);
  assertKeyId(keyId);
  return Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, `aes-256-gcm:${keyId}`, KEY_BYTES));
}

export function keyringFromSecret(secret: string, keyId = 'k1'): Keyring {
  return { current: keyId, keys: { [keyId]: deriveKey(secret, keyId) } };
}

/** A new keyring encrypting with `keyId`; older keys stay so old envelopes still decrypt. */
export function rotateKeyring(keyring: Keyring, keyId: string, key: Buffer): Keyring {
  assertKeyId(keyId);
  if (key.length !== KEY_BYTES) throw new InvalidKeyringError(`key ${keyId} must be ${KEY_BYTES} bytes`);
  if (keyring.keys[keyId]) throw new InvalidKeyringError(`key id ${keyId} is already in the keyring`);
  return { current: keyId, keys: { ...keyring.keys, [keyId]: key } };
}

/**
 * `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url). The version and key id
 * are authenticated too, plus an optional `context` binding the ciphertext
 * to where it is stored.
 */
export function encrypt(plaintext: string | Buffer, keyring: Keyring, context = ''): string {
  const keyId = keyring.current;
  const key = keyring.keys[keyId];
  if (!key || key.length !== KEY_BYTES) throw new InvalidKeyringError(`current key ${keyId} is missing or not ${KEY_BYTES} bytes`);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(keyId, context));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url'));
  return [VERSION, keyId, ...parts].join('.');
}

export function decrypt(envelope: string, keyring: Keyring, context = ''): string {
  const parts = envelope.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new DecryptionFailedError('not a v1 envelope');
  const [, keyId, ivText, tagText, ciphertextText] = parts;
  const key = keyring.keys[keyId];
  if (!key) throw new DecryptionFailedError(`unknown key id ${JSON.stringify(keyId)}`);
  const iv = strictBase64url(ivText);
  const tag = strictBase64url(tagText);
  const ciphertext = strictBase64url(ciphertextText);
  if (iv?.length !== IV_BYTES || tag?.length !== TAG_BYTES || !ciphertext) {
    throw new DecryptionFailedError('malformed envelope');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(keyId, context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptionFailedError('authentication failed (tampered, wrong key or wrong context)');
  }
}

const aad = (keyId: string, context: string): Buffer => Buffer.from(`${VERSION}.${keyId}.${context}`);

/** Node decodes base64 leniently; an altered unused bit would otherwise pass as the same bytes. */
function strictBase64url(text: string): Buffer | null {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

function assertKeyId(keyId: string): void {
  if (!KEY_ID.test(keyId)) throw new InvalidKeyringError(`key id must match ${KEY_ID.source}`);
}
