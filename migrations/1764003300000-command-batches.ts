import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Coalesced commands (issue 33): one call appends to many streams and stores the claimed keys' answers, in one
 * transaction and one commit. The first-write rule (LE428) for a batch: it takes every stream lock it needs, in
 * one fixed order (the lock keys ascending), before its first write, so its transaction gets its id only once it
 * holds them all, and two batches never wait on each other in a cycle. Each item is checked on its own against
 * its expected revision once the locks are held, without an exception or a savepoint: a conflict is that item's
 * row (`actual` set, nothing written for it), never the others' failure. One result row per item, in order.
 * Items: [{stream, expected, events: [{id, type, data, metadata}], namespace?, key?, status?, body?}].
 */
export class CommandBatches1764003300000 implements MigrationInterface {
  name = 'CommandBatches1764003300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION ledger.append_and_record_batch(p_items jsonb)
      RETURNS TABLE (item int, next_revision bigint, tx_id text, last_position bigint, actual text)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_lock bigint;
        v_item jsonb;
        v_n int;
        v_stream text;
        v_expected text;
        v_events jsonb;
        v_count int;
        v_current bigint;
        v_matches boolean;
        v_first_rev bigint;
        v_stored uuid[];
        v_given uuid[];
        v_done boolean;
      BEGIN
        IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
          RAISE EXCEPTION 'append_and_record_batch must be the first write of its transaction'
            USING ERRCODE = 'LE428',
                  DETAIL = format('transaction %s already holds an id, taken before the batch''s stream locks', pg_current_xact_id_if_assigned()),
                  HINT = 'Append in a transaction of its own, or call the batch before any other write.';
        END IF;
        -- Every stream lock first, in ascending key order: taken before the first write, hence before this transaction has an id.
        FOR v_lock IN SELECT DISTINCT hashtextextended(i->>'stream', 0) AS h FROM jsonb_array_elements(p_items) i ORDER BY h LOOP
          PERFORM pg_advisory_xact_lock(v_lock);
        END LOOP;

        FOR v_item, v_n IN SELECT t.i, t.n::int FROM jsonb_array_elements(p_items) WITH ORDINALITY AS t(i, n) ORDER BY t.n LOOP
          v_stream := v_item->>'stream';
          v_expected := v_item->>'expected';
          v_events := v_item->'events';
          v_count := jsonb_array_length(v_events);
          v_done := false;
          SELECT max(e.revision) INTO v_current FROM event_store.events e WHERE e.stream_id = v_stream;
          v_matches := CASE
            WHEN v_expected = 'no_stream' THEN v_current IS NULL
            WHEN v_expected = 'stream_exists' THEN v_current IS NOT NULL
            WHEN v_expected = 'any' THEN true
            ELSE v_current IS NOT DISTINCT FROM v_expected::bigint
          END;

          -- Idempotent re-append (as append_events): the same event ids already stored, consecutively, in this stream.
          IF NOT v_matches OR v_expected IN ('any', 'stream_exists') THEN
            SELECT e.revision INTO v_first_rev FROM event_store.events e
             WHERE e.event_id = (v_events->0->>'id')::uuid AND e.stream_id = v_stream;
            IF FOUND THEN
              SELECT array_agg((t.ev->>'id')::uuid ORDER BY t.n) INTO v_given
                FROM jsonb_array_elements(v_events) WITH ORDINALITY AS t(ev, n);
              SELECT array_agg(e.event_id ORDER BY e.revision) INTO v_stored FROM event_store.events e
               WHERE e.stream_id = v_stream AND e.revision >= v_first_rev AND e.revision < v_first_rev + v_count;
              IF v_stored = v_given AND (v_expected IN ('any', 'stream_exists')
                  OR (v_expected = 'no_stream' AND v_first_rev = 0)
                  OR (v_expected ~ '^-?[0-9]+$' AND v_expected::bigint = v_first_rev - 1)) THEN
                RETURN QUERY SELECT v_n, e.revision, e.transaction_id::text, e.global_position, NULL::text FROM event_store.events e
                  WHERE e.stream_id = v_stream AND e.revision = v_first_rev + v_count - 1;
                v_done := true;
              END IF;
            END IF;
          END IF;

          IF NOT v_done AND NOT v_matches THEN
            RETURN QUERY SELECT v_n, NULL::bigint, NULL::text, NULL::bigint, coalesce(v_current::text, 'no_stream');
            CONTINUE;
          END IF;

          IF NOT v_done THEN
            RETURN QUERY
            WITH inserted AS (
              INSERT INTO event_store.events (stream_id, revision, event_id, event_type, data, metadata)
              SELECT v_stream, coalesce(v_current, -1) + t.n, (t.ev->>'id')::uuid, t.ev->>'type', t.ev->'data',
                     coalesce(t.ev->'metadata', '{}'::jsonb)
                FROM jsonb_array_elements(v_events) WITH ORDINALITY AS t(ev, n)
               ORDER BY t.n
              RETURNING revision, transaction_id, global_position)
            SELECT v_n, i.revision, i.transaction_id::text, i.global_position, NULL::text FROM inserted i ORDER BY i.revision DESC LIMIT 1;
          END IF;

          IF v_item ? 'key' THEN
            UPDATE ledger.idempotency_keys SET status = 'done', response_status = (v_item->>'status')::int, response_body = v_item->>'body'
             WHERE api_key_id = v_item->>'namespace' AND key = v_item->>'key';
          END IF;
        END LOOP;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ledger.append_and_record_batch(jsonb)`);
  }
}
