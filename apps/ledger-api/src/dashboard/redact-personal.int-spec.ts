import type { Pool } from 'pg';
import { DataKeyStore, FORGOTTEN, PersonalDataCipher, parseMasterKey } from '@ledger/security';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { PersonalDataRedactor, WITHHELD } from './redact-personal';

/** A pool that counts the queries sent through it. */
function counting(pool: Pool): { pool: Pool; queries: () => number } {
  let n = 0;
  const counted = { query: (...args: Parameters<Pool['query']>) => (n++, pool.query(...args)) } as unknown as Pool;
  return { pool: counted, queries: () => n };
}

describe('PersonalDataRedactor', () => {
  let db: TestDatabase;
  const master = parseMasterKey('k7Qp2Zr9Lm4Xw8Vt1Bn6Hs3Jd5Fg0Ca!');

  beforeAll(async () => {
    db = await createTestDatabase(4);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('shows sealed fields as withheld or forgotten, anywhere in the value, in one query, and leaves the rest as it was', async () => {
    const keys = new DataKeyStore(db.pool, master);
    const cipher = new PersonalDataCipher(keys).session();
    const customers = Array.from({ length: 12 }, (_, i) => `customer:c${i}`);
    const events = await Promise.all(
      customers.map(async (owner, i) => {
        const seal = await cipher.sealerFor(owner);
        return {
          eventId: `e${i}`,
          revision: i,
          data: { amount: 1000 + i, description: seal(`order ${i}`), nested: { list: [seal('Ada'), 'plain', null, 7] } },
          metadata: { actor: 'key_1' },
        };
      }),
    );
    for (const owner of customers.filter((_, i) => i % 3 === 0)) await keys.forget(owner);

    const { pool, queries } = counting(db.pool);
    const shown = await new PersonalDataRedactor(new DataKeyStore(pool, master)).redact(events);

    expect(queries()).toBe(1);
    expect(shown).toEqual(
      events.map((e, i) => {
        const as = i % 3 === 0 ? FORGOTTEN : WITHHELD;
        return { ...e, data: { amount: e.data.amount, description: as, nested: { list: [as, 'plain', null, 7] } } };
      }),
    );
    expect(JSON.stringify(shown)).not.toContain('pd1:');
  });

  it('asks nothing when no field is sealed', async () => {
    const { pool, queries } = counting(db.pool);
    const events = [{ eventId: 'e1', data: { amount: 5, description: 'not sealed' }, metadata: {} }];
    expect(await new PersonalDataRedactor(new DataKeyStore(pool, master)).redact(events)).toEqual(events);
    expect(queries()).toBe(0);
  });
});
