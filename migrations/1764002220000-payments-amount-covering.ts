import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * fraud.suspicious filtered by provider counts the payments of the threshold's amount bucket: with `provider` in
 * the `(currency, amount)` index that count is an index-only scan instead of a heap fetch per payment (36 ms per
 * currency at 5,000,000 events under load, cold pages). The new index serves every use of the old one.
 */
export class PaymentsAmountCovering1764002220000 implements MigrationInterface {
  name = 'PaymentsAmountCovering1764002220000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX payments_currency_amount_provider_idx ON read_models.payments (currency, amount) INCLUDE (provider)`);
    await q.query(`DROP INDEX IF EXISTS read_models.payments_currency_amount_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX payments_currency_amount_idx ON read_models.payments (currency, amount)`);
    await q.query(`DROP INDEX read_models.payments_currency_amount_provider_idx`);
  }
}
