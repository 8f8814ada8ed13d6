import type { RecordedEvent } from './event-store';
import { formatPosition } from './position';

/**
 * CONTRACT.md's event shape: GET /v1/payments/:id/events, the dashboard's
 * recent events and one NDJSON line of `ledger audit replay`.
 */
export interface EventView {
  eventId: string;
  streamId: string;
  type: string;
  revision: number;
  position: string;
  /** When it happened: the provider's time for a webhook, the request's for an API command. */
  occurredAt: string;
  /** When the ledger stored it. */
  recordedAt: string;
  data: unknown;
  metadata: unknown;
}

export function toEventView(event: RecordedEvent): EventView {
  const occurredAt = (event.metadata as { occurredAt?: unknown } | undefined)?.occurredAt;
  return {
    eventId: event.eventId,
    streamId: event.streamId,
    type: event.type,
    revision: Number(event.revision),
    position: formatPosition(event.position),
    occurredAt: typeof occurredAt === 'string' ? occurredAt : event.recordedAt.toISOString(),
    recordedAt: event.recordedAt.toISOString(),
    data: event.data,
    metadata: event.metadata,
  };
}
