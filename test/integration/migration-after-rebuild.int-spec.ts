import type { QueryRunner } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { ReconciliationUnheld1764003500000 } from '../../migrations/1764003500000-reconciliation-unheld';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const indexNames = async (table: string): Promise<string[]> =>
  (
    await db.pool.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'read_models' AND tablename = $1 ORDER BY indexname`,
      [table],
    )
  ).rows.map((r) => r.indexname);

/**
 * A database whose reconciliation tables a rebuild swapped in before 2026-12-08 has their indexes under names of
 * PostgreSQL's (the rebuild copied the tables with LIKE … INCLUDING ALL): the migrations that come after it must not
 * depend on the names they gave.
 */
describe('a migration after a rebuild renamed the indexes it copied', () => {
  it('ReconciliationUnheld finds the indexes it replaces by what they index', async () => {
    const client = await db.pool.connect();
    const runner = { query: (sql: string) => client.query(sql).then((r) => r.rows) } as unknown as QueryRunner;
    const migration = new ReconciliationUnheld1764003500000();
    try {
      await migration.down(runner);
      // As the rebuild left them: named after their columns.
      await client.query(`ALTER INDEX read_models.reconciliation_lines_line RENAME TO reconciliation_lines_line_id_idx`);
      await client.query(
        `ALTER INDEX read_models.reconciliation_payments_unheld RENAME TO reconciliation_payments_provider_currency_succeeded_at_idx`,
      );

      await migration.up(runner);
    } finally {
      client.release();
    }

    expect(await indexNames('reconciliation_lines')).not.toContain('reconciliation_lines_line_id_idx');
    expect(await indexNames('reconciliation_lines')).toContain('reconciliation_lines_payment');
    expect(await indexNames('reconciliation_payments')).toEqual(['reconciliation_payments_pkey']);
    const { rows } = await db.pool.query(
      `SELECT 1 FROM information_schema.columns WHERE table_schema = 'read_models' AND table_name = 'reconciliation_payments' AND column_name = 'held_by'`,
    );
    expect(rows).toEqual([]);
  });
});
