import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which payments no imported payout holds (issue 32, for speed): a table of its own, instead of a `held_by` column
 * updated for every matched charge line. A report of 100,000 charge lines updated 100,000 payment rows (a new row
 * version and an index entry each: about a second); now it deletes 100,000 narrow rows (about a sixth of that).
 * Whether a payment is held is read from the lines themselves (a charge or payment line naming it), by an index on
 * `payment_id` that takes the place of the lines' `line_id` index (the projection reads lines by their key). A hash
 * index: it is only ever probed for equality, and a report's 100,000 random payment ids cost it less to insert than
 * a B-tree (no string comparisons on the way down).
 */
export class ReconciliationUnheld1764003500000 implements MigrationInterface {
  name = 'ReconciliationUnheld1764003500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE read_models.reconciliation_unheld (
      payment_id text PRIMARY KEY, provider text NOT NULL, currency text NOT NULL, amount bigint NOT NULL,
      succeeded_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX reconciliation_unheld_due ON read_models.reconciliation_unheld (provider, currency, succeeded_at)`);
    await q.query(
      `INSERT INTO read_models.reconciliation_unheld (payment_id, provider, currency, amount, succeeded_at)
       SELECT payment_id, provider, currency, amount, succeeded_at FROM read_models.reconciliation_payments
        WHERE held_by IS NULL AND missing_break IS NULL AND succeeded_at IS NOT NULL AND currency IS NOT NULL AND amount IS NOT NULL`,
    );
    // Found by what they index, not by name: a rebuild swapped in before 2026-12-08 gave the indexes it copied names
    // of PostgreSQL's (`reconciliation_lines_line_id_idx`). Dropping held_by takes its index along, whatever its name.
    await q.query(`DROP INDEX IF EXISTS read_models.reconciliation_payments_unheld`);
    await q.query(`ALTER TABLE read_models.reconciliation_payments DROP COLUMN held_by`);
    await q.query(`
      DO $$ DECLARE i record; BEGIN
        FOR i IN SELECT x.indexrelid::regclass AS name FROM pg_index x
                  WHERE x.indrelid = 'read_models.reconciliation_lines'::regclass
                    AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
                    AND pg_get_indexdef(x.indexrelid) LIKE '% USING btree (line_id)'
        LOOP EXECUTE format('DROP INDEX %s', i.name); END LOOP;
      END $$`);
    await q.query(
      `CREATE INDEX reconciliation_lines_payment ON read_models.reconciliation_lines USING hash (payment_id) WHERE payment_id IS NOT NULL`,
    );
    await q.query(
      `COMMENT ON TABLE read_models.reconciliation_unheld IS 'Succeeded payments that no imported payout holds yet and that were not found missing: the candidates for a missing_from_payout break.'`,
    );
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_unheld.payment_id IS 'Our payment id.'`);
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_unheld.provider IS 'stripe or paystack.'`);
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_unheld.currency IS 'ISO 4217 code of amount.'`);
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_unheld.amount IS 'Captured amount in minor units of currency.'`);
    await q.query(`COMMENT ON COLUMN read_models.reconciliation_unheld.succeeded_at IS 'When the payment succeeded.'`);
    await q.query(
      `COMMENT ON TABLE read_models.reconciliation_payments IS 'Succeeded payments, and the missing_from_payout break raised for each (which lines hold a payment: reconciliation_lines.payment_id; which none holds: reconciliation_unheld).'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX read_models.reconciliation_lines_payment`);
    await q.query(`CREATE INDEX reconciliation_lines_line ON read_models.reconciliation_lines (line_id)`);
    await q.query(`ALTER TABLE read_models.reconciliation_payments ADD COLUMN held_by text`);
    await q.query(
      `UPDATE read_models.reconciliation_payments p SET held_by = l.line_id FROM read_models.reconciliation_lines l
        WHERE l.payment_id = p.payment_id AND l.category IN ('charge', 'payment')`,
    );
    await q.query(
      `CREATE INDEX reconciliation_payments_unheld ON read_models.reconciliation_payments (provider, currency, succeeded_at) WHERE held_by IS NULL AND missing_break IS NULL AND succeeded_at IS NOT NULL`,
    );
    await q.query(`DROP TABLE read_models.reconciliation_unheld`);
  }
}
