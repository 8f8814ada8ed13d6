import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One commit per keyed command on the PostgreSQL store (issue 14): the events and the Idempotency-Key's
 * response are written by one call, in one transaction. append_events stays the first write of that
 * transaction (it refuses otherwise, SQLSTATE LE428), the record is updated after it; so a crash leaves
 * either both (a retry is a replay) or neither (the claim is taken over once abandoned).
 */
export class CommandJournal1764002000000 implements MigrationInterface {
  name = 'CommandJournal1764002000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION ledger.append_and_record(p_stream_id text, p_expected text, p_events jsonb,
                                               p_api_key_id text, p_key text, p_status int, p_body text)
      RETURNS TABLE (next_revision bigint, tx_id text, last_position bigint, recorded boolean)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_appended record;
      BEGIN
        SELECT a.next_revision, a.tx_id, a.last_position INTO v_appended
          FROM event_store.append_events(p_stream_id, p_expected, p_events) a;
        UPDATE ledger.idempotency_keys SET status = 'done', response_status = p_status, response_body = p_body
         WHERE api_key_id = p_api_key_id AND key = p_key;
        RETURN QUERY SELECT v_appended.next_revision, v_appended.tx_id, v_appended.last_position, FOUND;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ledger.append_and_record(text, text, jsonb, text, text, int, text)`);
  }
}
