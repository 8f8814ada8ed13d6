import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Disputes to their end: the amount under dispute now and the amounts lost, per payment and per (provider, currency). */
export class DisputeOutcomes1764000700000 implements MigrationInterface {
  name = 'DisputeOutcomes1764000700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_models.payments
      ADD COLUMN disputed_amount bigint NOT NULL DEFAULT 0,
      ADD COLUMN dispute_losses bigint NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE read_models.payment_metrics
      ADD COLUMN volume_disputed numeric NOT NULL DEFAULT 0,
      ADD COLUMN volume_dispute_losses numeric NOT NULL DEFAULT 0`);
    const comments: [string, string][] = [
      ['payments.disputed_amount', 'Amount under an open dispute now, minor units (0 once the dispute is closed).'],
      ['payments.dispute_losses', 'Amounts of disputes lost, minor units: taken back by the provider.'],
      [
        'payments.refunded_amount',
        'Refunded total, minor units: each refund once, whichever channel reported it; a reversed refund leaves it again.',
      ],
      ['payment_metrics.volume_disputed', 'Sum of amounts under an open dispute now, minor units (volumes.disputed).'],
      [
        'payment_metrics.volume_dispute_losses',
        'Sum of amounts of disputes lost, minor units (volumes.disputeLosses); net = succeeded − refunded − dispute losses.',
      ],
      [
        'payment_metrics.volume_refunded',
        'Sum of refunds, each once whichever channel reported it, reversed refunds taken out, minor units (volumes.refunded).',
      ],
      ['payment_metrics.payments_refunded', 'Payments with a refund that stands (counts.refunded).'],
    ];
    for (const [column, text] of comments) {
      await q.query(`COMMENT ON COLUMN read_models.${column} IS '${text.replace(/'/g, "''")}'`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_models.payment_metrics DROP COLUMN volume_disputed, DROP COLUMN volume_dispute_losses`);
    await q.query(`ALTER TABLE read_models.payments DROP COLUMN disputed_amount, DROP COLUMN dispute_losses`);
  }
}
