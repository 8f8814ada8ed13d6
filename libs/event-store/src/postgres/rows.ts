import type { RecordedEvent } from '../event-store';

/** Raised by event_store.append_events; its DETAIL carries the actual revision. */
export const WRONG_EXPECTED_VERSION_SQLSTATE = 'LE409';

/** Raised by event_store.append_events when its transaction already holds an id (it must be the first write). */
export const NOT_FIRST_WRITE_SQLSTATE = 'LE428';

export interface EventRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  revision: string;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: Date;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    type: row.event_type,
    revision: BigInt(row.revision),
    position: { commit: BigInt(row.transaction_id), prepare: BigInt(row.global_position) },
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}
