import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An Idempotency-Key is scoped to its API key alone (as at Stripe): the
 * request it was first used for (endpoint, path parameters, body) is kept as
 * a fingerprint, and the response as the exact bytes sent. The old records
 * (scoped by method and raw path, body as jsonb) are dropped: they live 24 h,
 * and a retry that finds none re-runs its command, which appends nothing
 * because event ids are derived from the key and the command.
 */
export class IdempotencyPerKey1764000600000 implements MigrationInterface {
  name = 'IdempotencyPerKey1764000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger.idempotency_keys`);
    await q.query(`
      CREATE TABLE ledger.idempotency_keys (
        api_key_id      text        NOT NULL,
        key             text        NOT NULL,
        request_hash    text        NOT NULL,
        status          text        NOT NULL CHECK (status IN ('in_flight', 'done')),
        response_status int,
        response_body   text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        expires_at      timestamptz NOT NULL,
        PRIMARY KEY (api_key_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_expires_at ON ledger.idempotency_keys (expires_at)`);
    await q.query(`COMMENT ON COLUMN ledger.idempotency_keys.request_hash IS
      'SHA-256 of the first request: endpoint, path parameters and canonical body; another request under the key is 422'`);
    await q.query(`COMMENT ON COLUMN ledger.idempotency_keys.response_body IS
      'The response body exactly as first sent, so a replay is byte for byte the same'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger.idempotency_keys`);
    await q.query(`
      CREATE TABLE ledger.idempotency_keys (
        api_key_id text NOT NULL, method text NOT NULL, path text NOT NULL, key text NOT NULL,
        request_hash text NOT NULL, status text NOT NULL CHECK (status IN ('in_flight', 'done')),
        response_status int, response_body jsonb, created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL, PRIMARY KEY (api_key_id, method, path, key)
      )`);
  }
}
