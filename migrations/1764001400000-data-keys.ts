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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger.data_keys`);
  }
}
