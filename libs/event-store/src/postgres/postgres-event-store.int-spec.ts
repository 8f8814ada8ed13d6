import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { describeEventStoreContract } from '../contract/event-store.contract';
import { PostgresEventStore } from './postgres-event-store';

let db: TestDatabase;

describeEventStoreContract(
  'PostgreSQL',
  async () => {
    db = await createTestDatabase(40);
    return {
      store: new PostgresEventStore(db.pool, { pollIntervalMs: 10 }),
      reopen: async () => new PostgresEventStore(db.pool, { pollIntervalMs: 10 }),
    };
  },
  async () => db.drop(),
);
