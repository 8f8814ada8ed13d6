import type { PoolClient } from 'pg';
import { comparePositions, type EventStore, type Position, type RecordedEvent } from '@ledger/event-store';

/**
 * Only payment streams reach the read models (the projector's subscription filter). Spelled out here,
 * not imported: verify shares nothing with what it checks but the event types.
 */
export const PAYMENT_STREAMS = 'payment-';

/**
 * Rows per page of every walk verify makes. Small, so that a page is done with before the young generation's
 * collections promote it: at 5,000 a page outlived them and verify's old space grew with the garbage.
 */
export const PAGE_SIZE = 1000;

/** The stored events up to `to` (inclusive), in global order, a page at a time. */
export type StoredEvents = (to: Position) => AsyncGenerator<RecordedEvent[]>;

interface StoredRow {
  global_position: string;
  tx_id: string;
  stream_id: string;
  revision: string;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: Date;
}

/**
 * PostgreSQL: the auditor's own SQL on event_store.events, inside the caller's
 * snapshot, with no visibility horizon: every row committed at or below the
 * checkpoint in (transaction_id, global_position) order. An event the
 * projector's reader skipped (by horizon, filter or fault) is still counted here.
 */
export function eventsInTable(client: PoolClient, pageSize = PAGE_SIZE, streams = PAYMENT_STREAMS): StoredEvents {
  // One cursor per prefix: the books' walk (payment and payout streams) may be open beside the payments' one.
  const cursor = `verify_events_${streams.replace(/[^a-z]/g, '_')}`;
  return async function* (to) {
    await client.query(
      `DECLARE ${cursor} NO SCROLL CURSOR FOR
       SELECT e.global_position, e.transaction_id::text AS tx_id, e.stream_id, e.revision, e.event_id, e.event_type, e.data, e.metadata, e.recorded_at
         FROM event_store.events e
        WHERE starts_with(e.stream_id, $1) AND (e.transaction_id, e.global_position) <= ($2::text::xid8, $3::bigint)
        ORDER BY e.transaction_id, e.global_position`,
      [streams, to.commit.toString(), to.prepare.toString()],
    );
    try {
      for (;;) {
        const { rows } = await client.query<StoredRow>(`FETCH ${pageSize} FROM ${cursor}`);
        if (rows.length > 0) yield rows.map(toEvent);
        if (rows.length < pageSize) return;
      }
    } finally {
      await client.query(`CLOSE ${cursor}`);
    }
  };
}

/**
 * PostgreSQL: the payment events up to `to`, stream by stream (each stream's
 * events in revision order, which is their global order), a page at a time:
 * a payment is complete once the next stream begins, so the fold holds one
 * payment at a time instead of all of them. Only what the fold reads is fetched (of the metadata: the schema
 * version and the actor, which decide whether an old stream's amounts are in a provider's units).
 */
export function paymentEventsByStream(client: PoolClient, pageSize = PAGE_SIZE): StoredEvents {
  return async function* (to) {
    await client.query(
      `DECLARE verify_streams NO SCROLL CURSOR FOR
       SELECT e.global_position, e.transaction_id::text AS tx_id, e.stream_id, e.revision, e.event_id, e.event_type, e.data,
              jsonb_build_object('schemaVersion', e.metadata->'schemaVersion', 'actor', e.metadata->'actor') AS metadata, e.recorded_at
         FROM event_store.events e
        WHERE starts_with(e.stream_id, $1) AND (e.transaction_id, e.global_position) <= ($2::text::xid8, $3::bigint)
        ORDER BY e.stream_id, e.revision`,
      [PAYMENT_STREAMS, to.commit.toString(), to.prepare.toString()],
    );
    try {
      for (;;) {
        const { rows } = await client.query<StoredRow>(`FETCH ${pageSize} FROM verify_streams`);
        if (rows.length > 0) yield rows.map(toEvent);
        if (rows.length < pageSize) return;
      }
    } finally {
      await client.query('CLOSE verify_streams');
    }
  };
}

/** EventStoreDB: a plain `$all` read through the adapter, page by page. */
export function eventsInStore(store: Pick<EventStore, 'readAll'>, pageSize = PAGE_SIZE, streams = PAYMENT_STREAMS): StoredEvents {
  return async function* (to) {
    let after: Position | undefined;
    for (;;) {
      const page = await store.readAll({ after, maxCount: pageSize, streamPrefix: streams });
      const upTo = page.filter((e) => comparePositions(e.position, to) <= 0);
      if (upTo.length > 0) yield upTo;
      if (page.length < pageSize || upTo.length < page.length) return;
      after = page[page.length - 1].position;
    }
  };
}

function toEvent(r: StoredRow): RecordedEvent {
  return {
    eventId: r.event_id,
    streamId: r.stream_id,
    type: r.event_type,
    revision: BigInt(r.revision),
    position: { commit: BigInt(r.tx_id), prepare: BigInt(r.global_position) },
    data: r.data,
    metadata: r.metadata,
    recordedAt: r.recorded_at,
  };
}
