import type { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES = `'pending','processing','succeeded','failed','partially_refunded','refunded'`;

/**
 * `read_models.payments.status` takes `needs_review` (a provider mismatch holds the payment until a person reviews
 * it), and `read_models.payments.captured_amount` (ledger projection): what the provider captured and the ledger booked
 * (CONTRACT.md › "Money as providers move it"), beside `amount`, what was asked for. Refunds and the refunded
 * status compare with it. Until now success captured the amount asked for, so the history's is filled from
 * `amount` for every succeeded payment, under the ledger checkpoint's row lock like the other backfills; a rebuild
 * and `ledger audit verify` compute the same from the events.
 */
export class PaymentsCaptured1764002400000 implements MigrationInterface {
  name = 'PaymentsCaptured1764002400000';

  async up(q: QueryRunner): Promise<void> {
    await replaceStatusCheck(q, `${STATUSES},'needs_review'`);
    await q.query(`ALTER TABLE read_models.payments ADD COLUMN captured_amount bigint`);
    await q.query(
      `COMMENT ON COLUMN read_models.payments.captured_amount IS 'Minor units the provider captured (booked); null until the payment succeeds.'`,
    );
    await q.query(`SELECT 1 FROM read_models.checkpoints WHERE name = 'ledger' FOR UPDATE`);
    await q.query(`UPDATE read_models.payments SET captured_amount = amount WHERE succeeded_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_models.payments DROP COLUMN captured_amount`);
    await replaceStatusCheck(q, STATUSES);
  }
}

/** The CHECK's name is PostgreSQL's (a rebuild's swapped-in copy keeps it): looked up by what it checks. */
async function replaceStatusCheck(q: QueryRunner, statuses: string): Promise<void> {
  await q.query(`
    DO $$ DECLARE c record; BEGIN
      FOR c IN SELECT conname FROM pg_constraint
                WHERE conrelid = 'read_models.payments'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%status%'
      LOOP EXECUTE format('ALTER TABLE read_models.payments DROP CONSTRAINT %I', c.conname); END LOOP;
    END $$`);
  await q.query(`ALTER TABLE read_models.payments ADD CONSTRAINT payments_status_check CHECK (status IN (${statuses}))`);
}
