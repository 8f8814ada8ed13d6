import type { MigrationInterface, QueryRunner } from 'typeorm';
import { READ_MODEL_COMMENTS, READ_MODEL_TABLES_DDL } from './1764000200000-read-models.ddl';

/**
 * Read models in schema read_models (see libs/projections/README.md), and the
 * finance role that may read them and nothing else. The role is cluster-wide,
 * hence created only when missing. To let finance log in:
 *   ALTER ROLE ledger_finance LOGIN PASSWORD '…';
 */
export class ReadModels1764000200000 implements MigrationInterface {
  name = 'ReadModels1764000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA read_models`);
    await q.query(
      `COMMENT ON SCHEMA read_models IS 'Projections of the payment event log; rebuildable from events at any time. Read-only for ledger_finance.'`,
    );
    for (const ddl of READ_MODEL_TABLES_DDL) await q.query(ddl);
    for (const [target, text] of READ_MODEL_COMMENTS) {
      const kind = target.split('.').length === 3 ? 'COLUMN' : 'TABLE';
      await q.query(`COMMENT ON ${kind} ${target} IS '${text.replace(/'/g, "''")}'`);
    }
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ledger_finance') THEN
          CREATE ROLE ledger_finance NOLOGIN;
        END IF;
      END $$`);
    await q.query(`GRANT USAGE ON SCHEMA read_models TO ledger_finance`);
    await q.query(`GRANT SELECT ON ALL TABLES IN SCHEMA read_models TO ledger_finance`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA read_models GRANT SELECT ON TABLES TO ledger_finance`);
    await q.query(`REVOKE ALL ON SCHEMA event_store FROM ledger_finance`);
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA event_store FROM ledger_finance`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA read_models REVOKE SELECT ON TABLES FROM ledger_finance`);
    await q.query(`DROP SCHEMA read_models CASCADE`);
  }
}
