import { PostgresEventStore } from '@ledger/event-store';
import { rebuildProjection } from '@ledger/projections';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';

describe('The ledger_finance role', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

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

  const tables = [
    'payments',
    'payment_metrics',
    'status_counts',
    'volume_buckets',
    'volume_totals',
    'error_counts',
    'health_windows',
    'amount_counts',
    'audit_trail',
    'checkpoints',
  ];

  it('reads every read-model table, also after a rebuild swapped them', async () => {
    for (const t of tables) await expect(asFinance(`SELECT * FROM read_models.${t} LIMIT 1`)).resolves.toBeUndefined();
    const store = new PostgresEventStore(db.pool);
    await rebuildProjection('ledger', { pool: db.pool, store });
    await rebuildProjection('audit_trail', { pool: db.pool, store });
    for (const t of tables) await expect(asFinance(`SELECT * FROM read_models.${t} LIMIT 1`)).resolves.toBeUndefined();
  });

  it('cannot write read models nor read the event store', async () => {
    await expect(asFinance(`DELETE FROM read_models.payments`)).rejects.toThrow(/permission denied/);
    await expect(asFinance(`SELECT * FROM event_store.events LIMIT 1`)).rejects.toThrow(/permission denied/);
  });

  it('documents every table and column', async () => {
    const { rows } = await db.pool.query(`
      SELECT c.relname, a.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       WHERE n.nspname = 'read_models' AND c.relkind = 'r' AND col_description(c.oid, a.attnum) IS NULL`);
    expect(rows).toEqual([]);
    const { rows: tablesWithout } = await db.pool.query(`
      SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'read_models' AND c.relkind = 'r' AND obj_description(c.oid, 'pg_class') IS NULL`);
    expect(tablesWithout).toEqual([]);
  });
});
