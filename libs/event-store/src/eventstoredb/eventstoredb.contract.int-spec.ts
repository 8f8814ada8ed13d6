import { assertEventStoreReachable } from '../create-event-store';
import { describeEventStoreContract } from '../contract/event-store.contract';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

/** Run by `jest -c jest.eventstoredb.config.js` against a live server; streams are unique per test, so a shared server is fine. */
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING ?? '';
const opened: EventStoreDbEventStore[] = [];
const open = () => {
  const store = EventStoreDbEventStore.fromConnectionString(connectionString, { minBackoffMs: 50, maxBackoffMs: 1_000 });
  opened.push(store);
  return store;
};

describeEventStoreContract(
  'EventStoreDB',
  async () => {
    const store = open();
    await assertEventStoreReachable(store);
    return { store, reopen: async () => open() };
  },
  async () => {
    await Promise.all(opened.map((store) => store.close()));
  },
);
