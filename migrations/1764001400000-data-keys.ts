import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One data key per customer (or per payment without a customer), wrapped by
 * the master key (libs/security README, "Personal data at rest"). Deleting a
 * row forgets every field encrypted under it; nothing else holds the key.
 */
export class DataKeys1764001400000 implements MigrationInterface {
  name = 'DataKeys1764001400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger.data_keys (
        key_id text PRIMARY KEY,
        owner text NOT NULL UNIQUE,
        master_key_id text NOT NULL,
        wrapped text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        rewrapped_at timestamptz
      )`);
    await q.query(`CREATE INDEX data_keys_master_key ON ledger.data_keys (master_key_id)`);
    // Events up to here were stored before encryption and stay plaintext (the log is never rewritten): the audit
    // report lists them as a warning, and plaintext after this position as a violation.
    await q.query(`
      CREATE TABLE ledger.encryption_epoch (
        single boolean PRIMARY KEY DEFAULT true CHECK (single),
        last_plaintext_position bigint NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `INSERT INTO ledger.encryption_epoch (last_plaintext_position) SELECT coalesce(max(global_position), 0) FROM event_store.events`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger.encryption_epoch`);
    await q.query(`DROP TABLE ledger.data_keys`);
  }
}
