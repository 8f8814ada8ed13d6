import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each webhook asks which payment its provider event id was first processed for (a second object under one
 * event id is a mismatch, not a new payment: WebhookStore.paymentOfDelivery): an index on the id, not a scan of
 * every delivery.
 */
export class WebhookDeliveryIds1764002410000 implements MigrationInterface {
  name = 'WebhookDeliveryIds1764002410000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX webhook_deliveries_delivery_id ON ledger.webhook_deliveries (provider, delivery_id) WHERE payment_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ledger.webhook_deliveries_delivery_id`);
  }
}
