import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `ledger_app`: the role the long-running apps log in as (docker/README.md).
 * It owns nothing, so it cannot ALTER a table, drop or disable the append-only
 * trigger on event_store.events, or change a function; on the event log it may
 * only SELECT and INSERT. Migrations, projection rebuilds and the CLI run as
 * the owner. NOLOGIN here: an operator gives it a password (the docker init
 * script does). Default privileges cover tables later migrations create.
 */
export class AppRole1764001360000 implements MigrationInterface {
  name = 'AppRole1764001360000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ledger_app') THEN
          CREATE ROLE ledger_app NOLOGIN;
        END IF;
      END $$`);
    await q.query(`GRANT USAGE ON SCHEMA event_store, ledger, read_models, monitoring TO ledger_app`);
    await q.query(`GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA event_store TO ledger_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ledger, read_models, monitoring TO ledger_app`);
    await q.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA event_store, ledger, read_models, monitoring TO ledger_app`);
    // Every app checks for pending migrations at start; reading the list is all it may do with it.
    await q.query(`GRANT SELECT ON TABLE public.migrations TO ledger_app`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA event_store GRANT SELECT, INSERT ON TABLES TO ledger_app`);
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA ledger, read_models, monitoring GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ledger_app`,
    );
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA event_store, ledger, read_models, monitoring GRANT USAGE, SELECT ON SEQUENCES TO ledger_app`,
    );
    await q.query(`ALTER ROLE ledger_app SET idle_in_transaction_session_timeout = '1min'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA event_store REVOKE SELECT, INSERT ON TABLES FROM ledger_app`);
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA ledger, read_models, monitoring REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM ledger_app`,
    );
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA event_store, ledger, read_models, monitoring REVOKE USAGE, SELECT ON SEQUENCES FROM ledger_app`,
    );
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA event_store, ledger, read_models, monitoring FROM ledger_app`);
    await q.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA event_store, ledger, read_models, monitoring FROM ledger_app`);
    await q.query(`REVOKE ALL ON SCHEMA event_store, ledger, read_models, monitoring FROM ledger_app`);
    await q.query(`REVOKE ALL ON TABLE public.migrations FROM ledger_app`);
  }
}
