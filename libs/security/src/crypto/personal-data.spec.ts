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

    it('starts with the keys its request already found, looking up only the others, and hands them to no other session', async () => {
      const { store, calls, forget } = keyStore();
      const cipher = new PersonalDataCipher(store);
      const known = await store.keyFor('customer:c3');
      calls.keyFor = 0;
      const session = cipher.session([{ owner: 'customer:c3', key: known }]);
      const sealed = (await session.sealerFor('customer:c3'))('Hedy');
      expect(await session.opener()(sealed)).toBe('Hedy');
      expect(calls).toEqual({ keyFor: 0, find: 0 });
      await session.sealerFor('customer:c4');
      expect(calls.keyFor).toBe(1);
      forget('customer:c3');
      expect(await cipher.session().opener()(sealed)).toBe(FORGOTTEN);
    });
  });
});
