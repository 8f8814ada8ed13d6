import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import type { Projection } from '../runner/projection';
import { createShadowTables, dropPrimaryKeys, dropSecondaryIndexes } from './shadow-tables';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

/** Index name, constraint name and shape (its definition without names) of every index in `schema`. */
async function indexesIn(schema: string): Promise<{ table: string; index: string; constraint: string | null; shape: string }[]> {
  const { rows } = await db.pool.query<{ table: string; index: string; constraint: string | null; ddl: string }>(
    `SELECT t.relname AS table, i.relname AS index, c.conname AS constraint, pg_get_indexdef(x.indexrelid) AS ddl
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid
      WHERE n.nspname = $1 ORDER BY t.relname, i.relname`,
    [schema],
  );
  return rows.map(({ ddl, ...row }) => ({ ...row, shape: ddl.slice(ddl.indexOf(' USING ')) }));
}

describe('shadow tables of a rebuild', () => {
  it('keep the live indexes and constraints under their own names, so a later migration finds them by name', async () => {
    await db.pool.query(`CREATE SCHEMA shadow_live`);
    await db.pool.query(`CREATE TABLE shadow_live.lines (
      provider text NOT NULL, line_id text NOT NULL, payment_id text, payout_id text,
      CONSTRAINT lines_key PRIMARY KEY (provider, line_id), CONSTRAINT lines_payment_once UNIQUE (payment_id, payout_id))`);
    await db.pool.query(`CREATE INDEX lines_line ON shadow_live.lines (line_id)`);
    await db.pool.query(`CREATE INDEX lines_unpaid ON shadow_live.lines (provider, payout_id) WHERE payment_id IS NULL`);
    // Two indexes of the same shape: each keeps a name of its own.
    await db.pool.query(`CREATE INDEX lines_line_again ON shadow_live.lines (line_id)`);
    // An index already named the way PostgreSQL names a copy of another.
    await db.pool.query(`CREATE INDEX lines_payout_id_idx ON shadow_live.lines (provider)`);
    await db.pool.query(`CREATE INDEX lines_payout ON shadow_live.lines (payout_id)`);
    const projection = { name: 'shadow_test', schema: 'shadow_live', tables: ['lines'] } as unknown as Projection;

    await createShadowTables(db.pool, projection, 'shadow_rebuild');

    const live = await indexesIn('shadow_live');
    expect(live).toHaveLength(7);
    expect(await indexesIn('shadow_rebuild')).toEqual(live);
    // The fill drops them and builds them again from those definitions: the names survive that too.
    const indexes = await dropSecondaryIndexes(db.pool, 'shadow_rebuild');
    const keys = await dropPrimaryKeys(db.pool, 'shadow_rebuild', ['lines']);
    for (const ddl of [...indexes, ...keys]) await db.pool.query(ddl);
    expect(await indexesIn('shadow_rebuild')).toEqual(live);
  });
});
