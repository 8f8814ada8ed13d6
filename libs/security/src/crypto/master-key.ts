import { InvalidKeyringError, deriveKey, type Keyring } from './aes-gcm';

const ENTRY = /^([A-Za-z0-9_-]{1,64}):(.+)$/s;

/**
 * `ENCRYPTION_KEY` as a keyring. Either one secret (key id `k1`), or a list
 * `<id>:<secret>,<id>:<secret>,…` whose first entry is the current master
 * key and the others are older ones still accepted for unwrapping, so the
 * master key can rotate (`ledger keys rotate`). A value that is not such a
 * list is one secret, commas and colons included.
 */
export function parseMasterKey(value: string): Keyring {
  const entries = value.split(',').map((part) => ENTRY.exec(part));
  if (entries.every((m) => m !== null)) {
    const keys: Record<string, Buffer> = {};
    for (const [, id, secret] of entries) {
      if (keys[id]) throw new InvalidKeyringError(`ENCRYPTION_KEY names key id ${id} twice`);
      keys[id] = deriveKey(secret, id);
    }
    return { current: entries[0][1], keys };
  }
  return { current: 'k1', keys: { k1: deriveKey(value, 'k1') } };
}
