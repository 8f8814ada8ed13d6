import { randomBytes } from 'node:crypto';
import { FORGOTTEN, PersonalDataCipher } from './personal-data';

/** A key store in memory that counts its lookups. */
function keyStore() {
  const keys = new Map<string, { id: string; key: Buffer }>();
  const calls = { keyFor: 0, find: 0 };
  return {
    calls,
    forget: (owner: string) => keys.delete(owner),
    store: {
      keyFor: async (owner: string) => {
        calls.keyFor++;
        if (!keys.has(owner)) keys.set(owner, { id: `id-${owner}`, key: randomBytes(32) });
        return keys.get(owner)!;
      },
      find: async (keyId: string) => {
        calls.find++;
        return [...keys.values()].find((k) => k.id === keyId)?.key;
      },
    },
  };
}

describe('PersonalDataCipher', () => {
  describe('a session (one command)', () => {
    it('looks each owner key up once, and opens what that key sealed without another lookup', async () => {
      const { store, calls } = keyStore();
      const session = new PersonalDataCipher(store).session();
      const sealed = (await session.sealerFor('customer:c1'))('Ada');
      const again = (await session.sealerFor('customer:c1'))('Lovelace');
      const open = session.opener();
      expect([await open(sealed), await open(again)]).toEqual(['Ada', 'Lovelace']);
      expect(calls).toEqual({ keyFor: 1, find: 0 });
    });

    it('keeps nothing for the next session, so a forgotten key no longer opens', async () => {
      const { store, calls, forget } = keyStore();
      const cipher = new PersonalDataCipher(store);
      const sealed = (await cipher.session().sealerFor('customer:c2'))('Grace');
      forget('customer:c2');
      expect(await cipher.session().opener()(sealed)).toBe(FORGOTTEN);
      expect(calls.find).toBe(1);
    });
  });
});
