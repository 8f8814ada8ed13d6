import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The PostgreSQL event store: one append-only table and one append function.
 * The ordering scheme (transaction-id visibility horizon) is explained in
 * libs/event-store/src/postgres/postgres-event-store.ts.
 */
export class EventStore1764000000000 implements MigrationInterface {
  name = 'EventStore1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS event_store`);
    await q.query(`
      CREATE TABLE event_store.events (
        global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
        stream_id       text        NOT NULL,
        revision        bigint      NOT NULL,
        event_id        uuid        NOT NULL,
        event_type      text        NOT NULL,
        data            jsonb       NOT NULL,
        metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb,
        recorded_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_stream_revision UNIQUE (stream_id, revision),
        CONSTRAINT events_event_id UNIQUE (event_id)
      )`);
    await q.query(`CREATE INDEX events_global_order ON event_store.events (transaction_id, global_position)`);
    await q.query(
      `COMMENT ON TABLE event_store.events IS 'Append-only payment event log: the only source of truth. Never updated or deleted.'`,
    );
    // Stored events are immutable: refuse UPDATE and DELETE outright.
    await q.query(`
      CREATE FUNCTION event_store.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'event_store.events is append-only'; END $$`);
    await q.query(`
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON event_store.events
      FOR EACH ROW EXECUTE FUNCTION event_store.refuse_change()`);
    await q.query(`
      CREATE FUNCTION event_store.append_events(p_stream_id text, p_expected text, p_events jsonb)
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
        -- Taken before the first write, hence before this transaction has an id.
        PERFORM pg_advisory_xact_lock(hashtextextended(p_stream_id, 0));
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
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA event_store CASCADE`);
  }
}
