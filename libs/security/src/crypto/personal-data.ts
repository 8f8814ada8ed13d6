import { decrypt, encrypt } from './aes-gcm';
import type { DataKeyStore } from './data-keys';

/** What a field encrypted under a destroyed data key reads as. */
export const FORGOTTEN = '[forgotten]';

/** `pd1:v1.<dataKeyId>.<iv>.<tag>.<ciphertext>`: the data key id travels inside every value. */
const PREFIX = 'pd1:';
const CONTEXT = 'personal-data';

export const isSealed = (value: unknown): value is string => typeof value === 'string' && value.startsWith(PREFIX);

/** The data key's owner: the customer, else the payment alone. */
export const dataKeyOwner = (ids: { customerId?: unknown; paymentId: string }): string =>
  typeof ids.customerId === 'string' && ids.customerId !== '' ? `customer:${ids.customerId}` : `payment:${ids.paymentId}`;

export type Seal = (value: unknown) => string;
export type Open = (value: unknown) => Promise<unknown>;

/** Envelope encryption of personal fields: each value under its owner's data key, the type kept through JSON. */
export class PersonalDataCipher {
  constructor(readonly keys: DataKeyStore) {}

  async sealerFor(owner: string): Promise<Seal> {
    const { id, key } = await this.keys.keyFor(owner);
    const ring = { current: id, keys: { [id]: key } };
    return (value) => PREFIX + encrypt(JSON.stringify(value), ring, CONTEXT);
  }

  /** An opener for one read: each data key is looked up once; a value that is not sealed (stored before) passes as it is. */
  opener(): Open {
    const cache = new Map<string, Promise<Buffer | undefined>>();
    return async (value) => {
      if (!isSealed(value)) return value;
      const envelope = value.slice(PREFIX.length);
      const keyId = envelope.split('.')[1] ?? '';
      if (!cache.has(keyId)) cache.set(keyId, this.keys.find(keyId));
      const key = await cache.get(keyId);
      if (!key) return FORGOTTEN;
      return JSON.parse(decrypt(envelope, { current: keyId, keys: { [keyId]: key } }, CONTEXT)) as unknown;
    };
  }
}
