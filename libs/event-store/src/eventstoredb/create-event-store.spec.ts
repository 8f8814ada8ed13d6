import type { Pool } from 'pg';
import { assertEventStoreReachable, createEventStore } from '../create-event-store';
import { EventStoreUnavailableError } from '../errors';
import { PostgresEventStore } from '../postgres/postgres-event-store';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

const pool = {} as Pool;
// Port 1 on loopback: nothing listens, so the real client fails fast with UNAVAILABLE.
const NOWHERE = 'esdb://127.0.0.1:1?tls=false';

describe('createEventStore (EventStoreDB)', () => {
  it('builds the EventStoreDB adapter from EVENTSTORE_CONNECTION_STRING', async () => {
    const store = createEventStore({ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: NOWHERE }, pool);
    expect(store).toBeInstanceOf(EventStoreDbEventStore);
    await store.close();
    expect(createEventStore({ EVENT_STORE: 'postgres' }, pool)).toBeInstanceOf(PostgresEventStore);
  });

  it.each([
    [
      'http://localhost:2113',
      /^EVENTSTORE_CONNECTION_STRING: Unexpected "http:\/\/" at position 0, expected esdb:\/\/ or esdb\+discover:\/\/\.$/,
    ],
    ['esdb://localhost:2113?tls=maybe', /^EVENTSTORE_CONNECTION_STRING: Unexpected "maybe" .*true or false\.$/],
    [undefined, /^EVENTSTORE_CONNECTION_STRING: required when EVENT_STORE=eventstoredb$/],
  ])('refuses %s in one line', (value, message) => {
    expect(() => createEventStore({ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: value }, pool)).toThrow(message);
  });

  it('says in one line when EventStoreDB is unreachable, without credentials', async () => {
    const store = createEventStore(
      { EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://admin:changeit@127.0.0.1:1?tls=false' },
      pool,
    );
    try {
      const error = await assertEventStoreReachable(store, 3_000).catch((e: Error) => e);
      expect(error).toBeInstanceOf(EventStoreUnavailableError);
      expect((error as Error).message).toMatch(/^EventStoreDB unreachable at 127\.0\.0\.1:1: \S.*$/);
      expect((error as Error).message).not.toContain('changeit');
    } finally {
      await store.close();
    }
  });

  it('maps a failed append against an unreachable server to EventStoreUnavailableError', async () => {
    const store = createEventStore({ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: NOWHERE }, pool);
    try {
      await expect(store.appendToStream('payment-x', [{ type: 'A', data: {} }], 'no_stream')).rejects.toBeInstanceOf(
        EventStoreUnavailableError,
      );
    } finally {
      await store.close();
    }
  });

  it('only checks the PostgreSQL store for foreign history (tested against a server in rebase.e2e-spec)', async () => {
    const ownHistory = { query: async () => ({ rows: [{ stored: '5', server: '9', foreign: false }] }) } as unknown as Pool;
    await expect(assertEventStoreReachable(createEventStore({ EVENT_STORE: 'postgres' }, ownHistory))).resolves.toBeUndefined();
  });
});
