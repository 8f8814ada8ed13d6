import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appendEventsFunction } from './append-events.sql';

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
      CREATE FUNCTION ${appendEventsFunction()}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA event_store CASCADE`);
  }
}
