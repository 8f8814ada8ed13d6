import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Guards for the read horizon (README "A held horizon"). Any transaction that
 * takes an id holds back every projector until it ends, so:
 * - ledger_finance cannot create temporary tables (the usual way an analyst's
 *   session takes an id) and its transactions are read-only by default;
 * - an analyst's session left idle inside a transaction is ended after 5 minutes.
 * The ledger's own connections get idle_in_transaction_session_timeout from
 * createPool (libs/platform), whatever role they log in as.
 */
export class HorizonGuards1764001320000 implements MigrationInterface {
  name = 'HorizonGuards1764001320000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
        EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO %I', current_database(), current_user);
      END $$`);
    // The database ACL above is not copied by CREATE DATABASE … TEMPLATE; an event trigger is, and also refuses
    // through SET ROLE. Creating one needs a superuser: without one the ACL alone stands (a notice says so).
    await q.query(`
      CREATE OR REPLACE FUNCTION monitoring.refuse_finance_tables() RETURNS event_trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = current_user AND NOT r.rolsuper)
           AND pg_has_role(current_user, 'ledger_finance', 'MEMBER') THEN
          RAISE EXCEPTION 'permission denied: ledger_finance cannot create tables, temporary ones included'
            USING ERRCODE = '42501', HINT = 'A transaction that writes holds back every projector; read the read_models tables instead.';
        END IF;
      END $$`);
    await q.query(`
      DO $$ BEGIN
        CREATE EVENT TRIGGER finance_creates_no_tables ON ddl_command_start
          WHEN TAG IN ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO') EXECUTE FUNCTION monitoring.refuse_finance_tables();
      EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'not a superuser: ledger_finance is kept from temporary tables by the database ACL only';
      END $$`);
    await q.query(`ALTER ROLE ledger_finance SET idle_in_transaction_session_timeout = '5min'`);
    await q.query(`ALTER ROLE ledger_finance SET default_transaction_read_only = on`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP EVENT TRIGGER IF EXISTS finance_creates_no_tables`);
    await q.query(`DROP FUNCTION IF EXISTS monitoring.refuse_finance_tables()`);
    await q.query(`ALTER ROLE ledger_finance RESET default_transaction_read_only`);
    await q.query(`ALTER ROLE ledger_finance RESET idle_in_transaction_session_timeout`);
    await q.query(`DO $$ BEGIN EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database()); END $$`);
  }
}
