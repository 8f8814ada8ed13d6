import type { Pool } from 'pg';
import { withTransaction } from '@ledger/platform';
import { PROJECTION_BATCH_BYTES, type EventStore, type Position } from '@ledger/event-store';
import type { ReconciliationProjection } from '../matching/reconciliation-projection';

/**
 * Applies every stored event after `after` to the projection, in pages, each page one transaction: of 500 events as
 * the projector's runner (PROJECTOR_BATCH_SIZE), or of 5,000 as `ledger projections rebuild` reads (its chunkSize),
 * each page ending early at PROJECTION_BATCH_BYTES of stored events as the runner's do.
 */
export async function projectAll(
  pool: Pool,
  store: EventStore,
  projection: ReconciliationProjection,
  after?: Position,
  schema = 'read_models',
  pageSize = 500,
): Promise<Position | undefined> {
  let position = after;
  for (;;) {
    const events = await store.readAll({
      ...(position ? { after: position } : {}),
      maxCount: pageSize,
      streamPrefix: projection.streamPrefix,
      maxBytes: PROJECTION_BATCH_BYTES,
    });
    if (events.length === 0) return position;
    await withTransaction(pool, (tx) => projection.apply(tx, events, { schema }));
    position = events[events.length - 1].position;
  }
}

/** Generated payment events straight into the PostgreSQL store, in order, ten thousand per statement (tests only). */
export async function insertEvents(
  pool: Pool,
  events: readonly { streamId: string; type: string; data: unknown; occurredAt: string }[],
): Promise<void> {
  const revisions = new Map<string, number>();
  const rows = events.map((e) => {
    const revision = revisions.get(e.streamId) ?? 0;
    revisions.set(e.streamId, revision + 1);
    return {
      s: e.streamId,
      r: revision,
      t: e.type,
      d: e.data,
      m: { correlationId: e.streamId, actor: 'key_test', schemaVersion: 2, occurredAt: e.occurredAt },
    };
  });
  for (let i = 0; i < rows.length; i += 10_000) {
    await pool.query(
      `INSERT INTO event_store.events (stream_id, revision, event_id, event_type, data, metadata)
       SELECT x.s, x.r, gen_random_uuid(), x.t, x.d, x.m FROM jsonb_to_recordset($1::jsonb) AS x(s text, r bigint, t text, d jsonb, m jsonb)`,
      [JSON.stringify(rows.slice(i, i + 10_000))],
    );
  }
}
