import { createTestDatabase, type TestDatabase } from '@ledger/testing';

describe('guards on the read horizon', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(4);
  });
  afterAll(() => db.drop());

  it('ledger_finance cannot create a temporary table', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('SET ROLE ledger_finance');
      await expect(client.query('CREATE TEMP TABLE scratch (n int)')).rejects.toThrow(
        /permission denied.*ledger_finance cannot create tables/,
      );
      await expect(client.query('SELECT 1 AS n INTO TEMP scratch2')).rejects.toThrow(/permission denied/);
    } finally {
      await client.query('RESET ROLE');
      client.release();
    }
  });

  it('ledger_finance sessions are read-only by default and ended when left idle in a transaction', async () => {
    const { rows } = await db.pool.query(
      `SELECT unnest(setconfig) AS setting FROM pg_db_role_setting WHERE setrole = 'ledger_finance'::regrole AND setdatabase = 0 ORDER BY 1`,
    );
    expect(rows.map((r) => r.setting)).toEqual(
      expect.arrayContaining(['default_transaction_read_only=on', 'idle_in_transaction_session_timeout=5min']),
    );
  });

  it('the ledger’s own tables are still created normally', async () => {
    await expect(db.pool.query('CREATE TEMP TABLE ours (n int)')).resolves.toMatchObject({ command: 'CREATE' });
  });

  it('the ledger’s own connections end a session left idle in a transaction', async () => {
    const { rows } = await db.pool.query(`SHOW idle_in_transaction_session_timeout`);
    expect(rows[0].idle_in_transaction_session_timeout).toBe('1min');
  });
});
