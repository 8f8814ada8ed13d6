import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Provider webhooks (libs/provider-webhooks, apps/ledger-api/src/webhooks).
 * Neither table is a source of truth for money: the events are. The references
 * map a provider's id to our payment so later events find it; the deliveries
 * log is what the audit report counts (signature failures, duplicates, ignored types).
 */
export class ProviderWebhooks1764000400000 implements MigrationInterface {
  name = 'ProviderWebhooks1764000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS ledger`);
    await q.query(`
      CREATE TABLE ledger.provider_references (
        provider    text        NOT NULL,
        reference   text        NOT NULL,
        payment_id  text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, reference)
      )`);
    await q.query(`CREATE INDEX provider_references_payment ON ledger.provider_references (payment_id)`);
    await q.query(
      `COMMENT ON TABLE ledger.provider_references IS 'Stripe pi_/ch_ ids and Paystack references of our payments; first writer wins'`,
    );
    await q.query(`
      CREATE TABLE ledger.webhook_deliveries (
        id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        provider     text        NOT NULL,
        delivery_id  text,
        event_type   text,
        outcome      text        NOT NULL CHECK (outcome IN ('handled', 'duplicate', 'noop', 'ignored', 'rejected',
                       'unmatched', 'invalid_signature', 'forbidden_ip', 'invalid_payload')),
        detail       text,
        payment_id   text,
        source_ip    text,
        received_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_recent ON ledger.webhook_deliveries (provider, received_at DESC)`);
    await q.query(
      `COMMENT ON TABLE ledger.webhook_deliveries IS 'One row per webhook request and its outcome; delivery_id and event_type are null when the signature failed (unsigned input is not trusted enough to record)'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger.webhook_deliveries`);
    await q.query(`DROP TABLE ledger.provider_references`);
  }
}
