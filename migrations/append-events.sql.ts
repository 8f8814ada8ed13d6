/**
 * The body of `event_store.append_events`, shared by the migrations that create and replace it. Frozen like
 * a migration: a change to the function is a new migration passing its own `beforeLock`, never an edit here.
 */
const FIRST_WRITE_COMMENT = '        -- Taken before the first write, hence before this transaction has an id.\n';

export function appendEventsFunction(beforeLock = FIRST_WRITE_COMMENT): string {
  return `
event_store.append_events(p_stream_id text, p_expected text, p_events jsonb)
      RETURNS TABLE (next_revision bigint, tx_id text, last_position bigint)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_current bigint;
        v_first_id uuid := (p_events->0->>'id')::uuid;
        v_count int := jsonb_array_length(p_events);
        v_first_rev bigint;
        v_stored uuid[];
        v_given uuid[];
        v_matches boolean;
      BEGIN
${beforeLock}        PERFORM pg_advisory_xact_lock(hashtextextended(p_stream_id, 0));
        SELECT max(e.revision) INTO v_current FROM event_store.events e WHERE e.stream_id = p_stream_id;

        v_matches := CASE
          WHEN p_expected = 'no_stream' THEN v_current IS NULL
          WHEN p_expected = 'stream_exists' THEN v_current IS NOT NULL
          WHEN p_expected = 'any' THEN true
          ELSE v_current IS NOT DISTINCT FROM p_expected::bigint
        END;

        -- Idempotent re-append: the same event ids already stored, consecutively, in this stream.
        -- An exact-revision retry always fails the check above, so the happy path skips this lookup.
        IF NOT v_matches OR p_expected IN ('any', 'stream_exists') THEN
          SELECT e.revision INTO v_first_rev FROM event_store.events e
           WHERE e.event_id = v_first_id AND e.stream_id = p_stream_id;
          IF FOUND THEN
            SELECT array_agg((t.ev->>'id')::uuid ORDER BY t.n) INTO v_given
              FROM jsonb_array_elements(p_events) WITH ORDINALITY AS t(ev, n);
            SELECT array_agg(e.event_id ORDER BY e.revision) INTO v_stored FROM event_store.events e
             WHERE e.stream_id = p_stream_id AND e.revision >= v_first_rev AND e.revision < v_first_rev + v_count;
            IF v_stored = v_given AND (p_expected IN ('any', 'stream_exists')
                OR (p_expected = 'no_stream' AND v_first_rev = 0)
                OR (p_expected ~ '^-?[0-9]+$' AND p_expected::bigint = v_first_rev - 1)) THEN
              RETURN QUERY SELECT e.revision, e.transaction_id::text, e.global_position FROM event_store.events e
                WHERE e.stream_id = p_stream_id AND e.revision = v_first_rev + v_count - 1;
              RETURN;
            END IF;
          END IF;
        END IF;

        IF NOT v_matches THEN
          RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'LE409', DETAIL = coalesce(v_current::text, 'no_stream');
        END IF;

        RETURN QUERY
        WITH inserted AS (
          INSERT INTO event_store.events (stream_id, revision, event_id, event_type, data, metadata)
          SELECT p_stream_id, coalesce(v_current, -1) + t.n, (t.ev->>'id')::uuid, t.ev->>'type', t.ev->'data',
                 coalesce(t.ev->'metadata', '{}'::jsonb)
            FROM jsonb_array_elements(p_events) WITH ORDINALITY AS t(ev, n)
           ORDER BY t.n
          RETURNING revision, transaction_id, global_position)
        SELECT i.revision, i.transaction_id::text, i.global_position FROM inserted i ORDER BY i.revision DESC LIMIT 1;
      END $$`;
}

/** Refuses a call that is not the first write of its transaction (migration 1764001300000). */
export const FIRST_WRITE_GUARD = `        -- The stream lock must be taken before this transaction has an id (see migration 1764001300000).
        IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
          RAISE EXCEPTION 'append_events must be the first write of its transaction'
            USING ERRCODE = 'LE428',
                  DETAIL = format('transaction %s already holds an id, taken before the lock on stream %s', pg_current_xact_id_if_assigned(), p_stream_id),
                  HINT = 'Append in a transaction of its own, or call append_events before any other write.';
        END IF;
`;
