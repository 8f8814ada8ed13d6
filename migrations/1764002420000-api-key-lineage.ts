import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `ledger.api_keys.lineage_id`: the id of the first key of a rotation chain (null: the key's own id). A rotated key
 * keeps its predecessor's lineage, and the Idempotency-Key scope (and every id derived from it) is the lineage, not
 * the key: a client retrying across a rotation gets its first answer, never a second payment (issue 28, case 10).
 */
export class ApiKeyLineage1764002420000 implements MigrationInterface {
  name = 'ApiKeyLineage1764002420000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger.api_keys ADD COLUMN lineage_id text`);
    await q.query(
      `COMMENT ON COLUMN ledger.api_keys.lineage_id IS 'The first key of its rotation chain (null: itself): the scope of its Idempotency-Keys.'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger.api_keys DROP COLUMN lineage_id`);
  }
}
