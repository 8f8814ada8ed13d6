import type { MigrationInterface, QueryRunner } from 'typeorm';

/** ledger-api: API keys (hashed secrets only) and idempotency records. */
export class Api1764000100000 implements MigrationInterface {
  name = 'Api1764000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS ledger`);
    await q.query(`
      CREATE TABLE ledger.api_keys (
        id          text        PRIMARY KEY,
        name        text        NOT NULL,
        scopes      text[]      NOT NULL,
        secret_hash text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        revoked_at  timestamptz
      )`);
    await q.query(
      `COMMENT ON COLUMN ledger.api_keys.secret_hash IS 'SHA-256 of the whole key; the key itself is shown once and never stored'`,
    );
    await q.query(`
      CREATE TABLE ledger.idempotency_keys (
        api_key_id      text        NOT NULL,
        method          text        NOT NULL,
        path            text        NOT NULL,
        key             text        NOT NULL,
        request_hash    text        NOT NULL,
        status          text        NOT NULL CHECK (status IN ('in_flight', 'done')),
        response_status int,
        response_body   jsonb,
        created_at      timestamptz NOT NULL DEFAULT now(),
        expires_at      timestamptz NOT NULL,
        PRIMARY KEY (api_key_id, method, path, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_expires_at ON ledger.idempotency_keys (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger.idempotency_keys`);
    await q.query(`DROP TABLE ledger.api_keys`);
  }
}
