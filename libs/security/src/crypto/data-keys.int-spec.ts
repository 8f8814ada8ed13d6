import type { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { DataKeyStore } from './data-keys';
import { parseMasterKey } from './master-key';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const MASTER = parseMasterKey('k1:data-keys-coalescing-test-master-key-0123');

/** The pool, counting the statements sent to it. */
function counted(pool: Pool): { pool: Pool; sent: () => number } {
  let sent = 0;
  const query = (...args: unknown[]) => {
    sent++;
    return (pool.query as (...a: unknown[]) => unknown).apply(pool, args);
  };
  return { pool: Object.assign(Object.create(pool) as Pool, { query }), sent: () => sent };
}

describe('DataKeyStore lookups arriving together (issue 33)', () => {
  it('reads many owners, then many key ids, in one statement each, every lookup its own answer', async () => {
    const setup = new DataKeyStore(db.pool, MASTER);
    const made = await Promise.all(['customer:a', 'customer:b', 'customer:c'].map((owner) => setup.keyFor(owner)));
    const { pool, sent } = counted(db.pool);
    const keys = new DataKeyStore(pool, MASTER);
    const again = await Promise.all(['customer:a', 'customer:b', 'customer:c'].map((owner) => keys.keyFor(owner)));
    expect(sent()).toBe(1);
    expect(again).toEqual(made);
    const found = await Promise.all([made[2].id, 'no-such-key', made[0].id].map((id) => keys.find(id)));
    expect(sent()).toBe(2);
    expect(found).toEqual([made[2].key, undefined, made[0].key]);
  });

  it('creates a key in one statement, and of two first callers racing both get the one row that won', async () => {
    const { pool, sent } = counted(db.pool);
    const keys = new DataKeyStore(pool, MASTER);
    const made = await keys.create('customer:new');
    expect(sent()).toBe(1);
    expect(await new DataKeyStore(db.pool, MASTER).keyOf('customer:new')).toEqual(made);
    const raced = await Promise.all([keys.create('customer:raced'), keys.create('customer:raced'), keys.keyFor('customer:raced')]);
    expect(raced[1]).toEqual(raced[0]);
    expect(raced[2]).toEqual(raced[0]);
    expect(await keys.keyOf('customer:raced')).toEqual(raced[0]);
    expect(await keys.keyOf('customer:never')).toBeUndefined();
  });

  it('still reads the table at each lookup: a forgotten key is gone for the next one', async () => {
    const keys = new DataKeyStore(db.pool, MASTER);
    const key = await keys.keyFor('customer:gone');
    expect(await keys.find(key.id)).toEqual(key.key);
    await keys.forget('customer:gone');
    await expect(Promise.all([keys.find(key.id), keys.find(key.id)])).resolves.toEqual([undefined, undefined]);
  });
});
