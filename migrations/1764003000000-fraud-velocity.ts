import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The fraud-velocity process manager's own schema (libs/fraud, issue 30): what it has seen of each payment (keyed
 * tokens of the risk signals, never the signals), its open trips, its checkpoint, and the outbox of the FlagFraud
 * commands it decided, all written in one transaction per batch. The outbox row's `command_id`
 * (`fraud:<rule>:<paymentId>`) is unique: a replay decides the same row again and keeps one.
 */
export class FraudVelocity1764003000000 implements MigrationInterface {
  name = 'FraudVelocity1764003000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS fraud`);
    await q.query(`
      CREATE TABLE fraud.checkpoint (
        name text PRIMARY KEY,
        commit_position bigint NOT NULL DEFAULT 0,
        prepare_position bigint NOT NULL DEFAULT 0,
        events_applied bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE fraud.observations (
        seq bigserial PRIMARY KEY,
        payment_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('payment', 'failure')),
        at timestamptz NOT NULL,
        customer_id text,
        card_token text,
        ip_token text,
        device_token text,
        email_token text,
        amount bigint,
        currency text
      )`);
    await q.query(`CREATE INDEX fraud_observations_at ON fraud.observations (at)`);
    await q.query(`CREATE INDEX fraud_observations_customer ON fraud.observations (customer_id) WHERE customer_id IS NOT NULL`);
    await q.query(`CREATE INDEX fraud_observations_payment ON fraud.observations (payment_id)`);
    await q.query(`
      CREATE TABLE fraud.trips (
        rule text NOT NULL,
        subject text NOT NULL,
        trip_id text NOT NULL,
        opened_at timestamptz NOT NULL,
        last_at timestamptz NOT NULL,
        PRIMARY KEY (rule, subject)
      )`);
    await q.query(`
      CREATE TABLE fraud.outbox (
        seq bigserial PRIMARY KEY,
        command_id text NOT NULL UNIQUE,
        rule text NOT NULL,
        payment_id text NOT NULL,
        trip_id text NOT NULL,
        decided_at timestamptz NOT NULL,
        command jsonb NOT NULL,
        causation_id text NOT NULL,
        dispatched_at timestamptz,
        outcome text
      )`);
    await q.query(`CREATE INDEX fraud_outbox_pending ON fraud.outbox (seq) WHERE dispatched_at IS NULL`);
    await q.query(`CREATE INDEX fraud_outbox_decided ON fraud.outbox (decided_at)`);
    await q.query(`GRANT USAGE ON SCHEMA fraud TO ledger_app`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA fraud TO ledger_app`);
    await q.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA fraud TO ledger_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA fraud CASCADE`);
  }
}
