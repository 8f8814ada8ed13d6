import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { withTransaction } from './transaction';

describe('withTransaction', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(2);
    await db.pool.query('CREATE TABLE tx_probe (n int)');
  });
  afterAll(() => db.drop());
  beforeEach(() => db.pool.query('TRUNCATE tx_probe'));

  const rows = async () => (await db.pool.query<{ n: number }>('SELECT n FROM tx_probe ORDER BY n')).rows.map((r) => r.n);
  const allReleased = () =>
    expect({ idle: db.pool.idleCount, waiting: db.pool.waitingCount }).toEqual({ idle: db.pool.totalCount, waiting: 0 });

  it('commits when the function resolves, returns its value and releases the client', async () => {
    const result = await withTransaction(db.pool, async (tx) => {
      await tx.query('INSERT INTO tx_probe VALUES (1), (2)');
      return 'done';
    });
    expect(result).toBe('done');
    expect(await rows()).toEqual([1, 2]);
    allReleased();
  });

  it('rolls back every statement when the function throws, rethrows the error and releases the client', async () => {
    const failure = new Error('boom');
    await expect(
      withTransaction(db.pool, async (tx) => {
        await tx.query('INSERT INTO tx_probe VALUES (1)');
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await rows()).toEqual([]);
    allReleased();
  });

  it('rolls back when a statement fails', async () => {
    await expect(
      withTransaction(db.pool, async (tx) => {
        await tx.query('INSERT INTO tx_probe VALUES (1)');
        await tx.query('INSERT INTO tx_probe VALUES (1 / 0)');
      }),
    ).rejects.toThrow(/division by zero/);
    expect(await rows()).toEqual([]);
    allReleased();
  });

  it('opens the transaction at the isolation level and access mode asked for', async () => {
    const seen = await withTransaction(
      db.pool,
      async (tx) => (await tx.query('SHOW transaction_isolation')).rows[0].transaction_isolation,
      { isolation: 'REPEATABLE READ', readOnly: true },
    );
    expect(seen).toBe('repeatable read');
    await expect(withTransaction(db.pool, (tx) => tx.query('INSERT INTO tx_probe VALUES (1)'), { readOnly: true })).rejects.toThrow(
      /read-only transaction/,
    );
  });

  it('applies settings to the transaction only (SET LOCAL)', async () => {
    const inside = await withTransaction(db.pool, async (tx) => (await tx.query('SHOW lock_timeout')).rows[0].lock_timeout, {
      settings: { lock_timeout: '30s' },
    });
    expect(inside).toBe('30s');
    const client = await db.pool.connect();
    try {
      expect((await client.query('SHOW lock_timeout')).rows[0].lock_timeout).toBe('0');
    } finally {
      client.release();
    }
  });

  it('discards a client whose connection broke inside the transaction instead of pooling it', async () => {
    await expect(withTransaction(db.pool, (tx) => tx.query('SELECT pg_terminate_backend(pg_backend_pid())'))).rejects.toThrow();
    expect(db.pool.totalCount).toBe(0);
    expect(await withTransaction(db.pool, async (tx) => (await tx.query('SELECT 1 AS one')).rows[0].one)).toBe(1);
  });
});
