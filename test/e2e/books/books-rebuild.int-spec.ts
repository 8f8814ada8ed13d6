import { BOOKS_PROJECTION, closePeriod, queryBalances, type BooksPeriodClosedData } from '@ledger/books';
import { PostgresEventStore } from '@ledger/event-store';
import { readCheckpoint, rebuildProjection } from '@ledger/projections';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { project } from '../cli/support/cli';
import { appendWorkload } from '../projections/support/workload';

const TABLES: Record<string, string> = {
  payment_states: 'payment_id',
  journal_entries: 'entry_id',
  journal_lines: 'entry_id, line_no',
  movements: 'effective_day, recorded_day, account, currency',
};

describe('Books projection: live, closed, late, rebuilt', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 10 });
  });
  afterAll(() => db.drop());

  const snapshot = async () =>
    Object.fromEntries(
      await Promise.all(
        Object.entries(TABLES).map(async ([t, order]) => [t, (await db.pool.query(`SELECT * FROM books.${t} ORDER BY ${order}`)).rows]),
      ),
    );

  /** The books tables' keys, constraints and indexes, by definition (a rebuild's indexes are named by LIKE). */
  const structure = async () => {
    const { rows } = await db.pool.query<{ what: string }>(
      `SELECT c.conrelid::regclass::text || ' ' || c.contype::text || ' ' || pg_get_constraintdef(c.oid) AS what
         FROM pg_constraint c WHERE c.connamespace = 'books'::regnamespace
       UNION ALL
       SELECT i.tablename || ' ' || regexp_replace(i.indexdef, '^(CREATE (UNIQUE )?INDEX) \\S+', '\\1') FROM pg_indexes i WHERE i.schemaname = 'books'
       ORDER BY 1`,
    );
    return rows.map((r) => r.what);
  };

  async function asFinance(sql: string): Promise<void> {
    const client = await db.pool.connect();
    try {
      await client.query('SET ROLE ledger_finance');
      await client.query(sql);
    } finally {
      await client.query('RESET ROLE');
      client.release();
    }
  }

  it('dates events recorded after a close in the first open period, and a rebuild from 0 gives the same rows', async () => {
    await appendWorkload(store, { payments: 120, seed: 41, start: new Date('2025-11-26T00:00:00Z'), concurrency: 4 });
    await project(db.pool, store);
    const checkpoint = {
      read: async () => (await readCheckpoint(db.pool, BOOKS_PROJECTION)).position,
      lock: async (tx: Parameters<typeof readCheckpoint>[0]) => (await readCheckpoint(tx, BOOKS_PROJECTION, true)).position,
    };
    const close = await closePeriod({ pool: db.pool, store, checkpoint, period: '2025-11', now: new Date(), actor: 'test' });
    expect(close.closed).toBe(true);
    const closed = (close as { data: BooksPeriodClosedData }).data;

    // Late: new payments whose provider times fall in the closed November.
    await appendWorkload(store, { payments: 60, seed: 42, start: new Date('2025-11-27T00:00:00Z'), concurrency: 4 });
    await project(db.pool, store);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS late, count(*) FILTER (WHERE effective_at <> '2025-12-01T00:00:00Z' OR period <> '2025-12')::int AS misdated,
              count(*) FILTER (WHERE occurred_at >= '2025-12-01')::int AS wrong
         FROM books.journal_entries WHERE late`,
    );
    expect(rows[0].late).toBeGreaterThan(0);
    expect(rows[0]).toMatchObject({ misdated: 0, wrong: 0 });

    // The closed period's balances and lines are what its close recorded.
    const end = await queryBalances(db.pool, { asOf: new Date('2025-11-30T23:59:59.999Z'), knownAt: new Date(), now: new Date() });
    expect(end).toEqual(closed.balances.map((b) => expect.objectContaining(b)));

    const live = await snapshot();
    const keys = await structure();
    expect(keys).toEqual(expect.arrayContaining([expect.stringMatching(/^books\.journal_lines p PRIMARY KEY \(entry_id, line_no\)$/)]));
    await rebuildProjection('books', { pool: db.pool, store, chunkSize: 53, tuning: { flushRows: 7, cacheRows: 11 } });
    expect(await snapshot()).toEqual(live);
    // The journal's keys, dropped for the fill, and the secondary indexes are all back.
    expect(await structure()).toEqual(keys);

    for (const t of Object.keys(TABLES)) await expect(asFinance(`SELECT * FROM books.${t} LIMIT 1`)).resolves.toBeUndefined();
    await expect(asFinance(`DELETE FROM books.journal_lines`)).rejects.toThrow(/permission denied/);
  });

  it('documents every books table and column', async () => {
    const { rows } = await db.pool.query(`
      SELECT c.relname, a.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       WHERE n.nspname = 'books' AND c.relkind = 'r' AND (col_description(c.oid, a.attnum) IS NULL OR obj_description(c.oid, 'pg_class') IS NULL)`);
    expect(rows).toEqual([]);
  });
});
