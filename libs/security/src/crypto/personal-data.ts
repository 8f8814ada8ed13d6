import { decrypt, encrypt } from './aes-gcm';
import type { DataKey, DataKeyStore } from './data-keys';

/** What the cipher needs of the key store. */
type DataKeyLookup = Pick<DataKeyStore, 'keyFor' | 'find'>;

/** What a field encrypted under a destroyed data key reads as. */
export const FORGOTTEN = '[forgotten]';

/** `pd1:v1.<dataKeyId>.<iv>.<tag>.<ciphertext>`: the data key id travels inside every value. */
const PREFIX = 'pd1:';
const CONTEXT = 'personal-data';

export const isSealed = (value: unknown): value is string => typeof value === 'string' && value.startsWith(PREFIX);

/** The id of the data key a sealed value was sealed under. */
export const sealedKeyId = (sealed: string): string => sealed.slice(PREFIX.length).split('.')[1] ?? '';

/** The data key's owner: the customer, else the payment alone. */
export const dataKeyOwner = (ids: { customerId?: unknown; paymentId: string }): string =>
  typeof ids.customerId === 'string' && ids.customerId !== '' ? `customer:${ids.customerId}` : `payment:${ids.paymentId}`;

/** An owner's data key as one request found it, handed to that request's session (never kept beyond it). */
export interface OwnedDataKey {
  readonly owner: string;
  readonly key: DataKey;
}

export type Seal = (value: unknown) => string;
export type Open = (value: unknown) => Promise<unknown>;

/** Envelope encryption of personal fields: each value under its owner's data key, the type kept through JSON. */
export class PersonalDataCipher {
  constructor(readonly keys: DataKeyLookup) {}

  /**
   * A cipher for one command or one read: each owner's key and each key id is looked up once, and the key an
   * owner's seal used opens that owner's values without a second lookup. Nothing outlives the session, so a
   * forgotten key still stops decrypting everywhere at once (no cache across requests). `known`: keys this same
   * request has already looked up (hashing its Idempotency-Key), not looked up again.
   */
  session(known: readonly OwnedDataKey[] = []): PersonalDataCipher {
    const byOwner = new Map<string, Promise<DataKey>>(known.map(({ owner, key }) => [owner, Promise.resolve(key)]));
    const byId = new Map<string, Promise<Buffer | undefined>>(known.map(({ key }) => [key.id, Promise.resolve(key.key)]));
    return new PersonalDataCipher({
      keyFor: (owner) => {
        let found = byOwner.get(owner);
        if (!found) {
          found = this.keys.keyFor(owner);
          byOwner.set(owner, found);
          found.then(
            ({ id, key }) => byId.set(id, Promise.resolve(key)),
            () => byOwner.delete(owner),
          );
        }
        return found;
      },
      find: (keyId) => {
        let found = byId.get(keyId);
        if (!found) byId.set(keyId, (found = this.keys.find(keyId)));
        return found;
      },
    });
  }

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
      const keyId = sealedKeyId(value);
      if (!cache.has(keyId)) cache.set(keyId, this.keys.find(keyId));
      const key = await cache.get(keyId);
      if (!key) return FORGOTTEN;
      return JSON.parse(decrypt(envelope, { current: keyId, keys: { [keyId]: key } }, CONTEXT)) as unknown;
    };
  }
}
