import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys may expire, and every change to a key is announced on the
 * `ledger_api_keys` channel: each API process LISTENs and drops the key from
 * its lookup cache, so a revocation takes effect everywhere at once instead of
 * when the cache entry ages out. A trigger (not the CLI) sends it, so a key
 * revoked by hand in SQL is announced too.
 */
export class ApiKeyExpiry1764001350000 implements MigrationInterface {
  name = 'ApiKeyExpiry1764001350000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger.api_keys ADD COLUMN expires_at timestamptz`);
    await q.query(`
      CREATE FUNCTION ledger.announce_api_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('ledger_api_keys', OLD.id);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER api_key_changed AFTER UPDATE OR DELETE ON ledger.api_keys
        FOR EACH ROW EXECUTE FUNCTION ledger.announce_api_key_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER api_key_changed ON ledger.api_keys`);
    await q.query(`DROP FUNCTION ledger.announce_api_key_change()`);
    await q.query(`ALTER TABLE ledger.api_keys DROP COLUMN expires_at`);
  }
}
