import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `read_models.amount_counts` (ledger projection): payments per (provider, currency) and amount rounded down to
 * 3 significant digits, so `fraud.suspicious` no longer counts every payment above the threshold at query time.
 * Filled here from `payments`, which the ledger projection keeps in the same transactions: the ledger checkpoint
 * row is locked first, so a running projector's batch either committed before or waits for this one (its first
 * statement is the checkpoint compare-and-set), and the new table starts exactly where the others are.
 * The bucket rule is `amountFloor` in libs/projections/src/amounts/amount-counts.projection.ts.
 */
export class AmountCounts1764002200000 implements MigrationInterface {
  name = 'AmountCounts1764002200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE read_models.amount_counts (
        provider text NOT NULL,
        currency text NOT NULL,
        amount_floor bigint NOT NULL,
        payments bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (currency, amount_floor, provider)
      )`);
    const comments: [string, string][] = [
      [
        'amount_counts',
        'Payments per (provider, currency) and amount bucket, for fraud.suspicious: amount_floor is the amount rounded down to 3 significant digits (below 1,000 minor units, the amount itself).',
      ],
      ['amount_counts.provider', 'Provider of the payments counted.'],
      ['amount_counts.currency', 'Currency of the payments and of amount_floor (ISO 4217); never mixed.'],
      [
        'amount_counts.amount_floor',
        'First amount of the bucket, minor units of currency; the bucket holds the amounts with these 3 leading digits.',
      ],
      ['amount_counts.payments', 'Payments of this provider and currency whose amount falls in the bucket.'],
    ];
    for (const [target, text] of comments) {
      const kind = target.includes('.') ? 'COLUMN' : 'TABLE';
      await q.query(`COMMENT ON ${kind} read_models.${target} IS '${text.replace(/'/g, "''")}'`);
    }
    await q.query(`SELECT 1 FROM read_models.checkpoints WHERE name = 'ledger' FOR UPDATE`);
    await q.query(`
      INSERT INTO read_models.amount_counts (provider, currency, amount_floor, payments)
      SELECT provider, currency, amount - amount % power(10::numeric, greatest(0, length(amount::text) - 3))::bigint, count(*)
        FROM read_models.payments GROUP BY 1, 2, 3`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE read_models.amount_counts`);
  }
}
