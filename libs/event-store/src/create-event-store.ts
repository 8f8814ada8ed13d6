import type { Pool } from 'pg';
import type { EventStore } from './event-store';
import { PostgresEventStore } from './postgres/postgres-event-store';

export interface EventStoreSelection {
  readonly EVENT_STORE: 'postgres' | 'eventstoredb';
  readonly EVENTSTORE_CONNECTION_STRING?: string;
}

/** EVENT_STORE picks the adapter for every app and the CLI. */
export function createEventStore(config: EventStoreSelection, pool: Pool): EventStore {
  if (config.EVENT_STORE === 'eventstoredb') {
    throw new Error('EVENT_STORE=eventstoredb: the EventStoreDB adapter is not available in this build');
  }
  return new PostgresEventStore(pool);
}
