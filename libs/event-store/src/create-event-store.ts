import type { Pool } from 'pg';
import type { EventStore } from './event-store';
import { EventStoreUnavailableError } from './errors';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
import { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store';
import { ForeignHistoryError } from './postgres/rebase';

export interface EventStoreSelection {
  readonly EVENT_STORE: 'postgres' | 'eventstoredb';
  readonly EVENTSTORE_CONNECTION_STRING?: string;
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n', 1)[0].trim();

/** EVENT_STORE picks the adapter for every app and the CLI; `postgres` tunes the PostgreSQL one (the projector's polling). */
export function createEventStore(config: EventStoreSelection, pool: Pool, postgres: PostgresEventStoreOptions = {}): EventStore {
  if (config.EVENT_STORE === 'eventstoredb') {
    const connectionString = config.EVENTSTORE_CONNECTION_STRING;
    if (!connectionString) throw new Error('EVENTSTORE_CONNECTION_STRING: required when EVENT_STORE=eventstoredb');
    try {
      return EventStoreDbEventStore.fromConnectionString(connectionString);
    } catch (error) {
      throw new Error(`EVENTSTORE_CONNECTION_STRING: ${firstLine(error)}`, { cause: error });
    }
  }
  return new PostgresEventStore(pool, postgres);
}

/**
 * Apps call this at start so a wrong or down EventStoreDB fails in one line, not at the
 * first command. For the PostgreSQL store (whose pool is checked on its own) it refuses
 * restored history whose transaction ids belong to another server (ForeignHistoryError,
 * naming `ledger store rebase`), which no subscriber could see.
 */
export async function assertEventStoreReachable(store: EventStore, timeoutMs = 5_000): Promise<void> {
  if (store instanceof PostgresEventStore) {
    const foreign = await store.foreignHistory();
    if (foreign) throw new ForeignHistoryError(foreign);
    return;
  }
  if (!(store instanceof EventStoreDbEventStore)) return;
  try {
    await store.ping(timeoutMs);
  } catch (error) {
    throw new EventStoreUnavailableError(`EventStoreDB unreachable at ${store.target}: ${firstLine(error).replace(/^EventStoreDB: /, '')}`);
  }
}
