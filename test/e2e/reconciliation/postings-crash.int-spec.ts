import { PostgresEventStore } from '@ledger/event-store';
import { withTransaction } from '@ledger/platform';
import { readCheckpoint } from '@ledger/projections';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import {
  append,
  importCsv,
  net,
  payment,
  postedCount,
  postedEntries,
  reconciliation,
  row,
  settle,
  trialDifferences,
} from './support/postings';

class Crash extends Error {}

describe('Reconciliation postings across a crash', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase(4);
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 5 });
  });

  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('appended its postings but its batch rolled back: the re-run appends nothing and the books count each posting once', async () => {
    await append(store, [...payment(1, 1000, 1), ...payment(2, 2000, 1)]);
    await importCsv(store, [
      row('po_a', 1, 'txn_1', 'charge', 1000, 59, 'ch_1'),
      row('po_a', 1, 'txn_2', 'charge', 2000, 88, 'ch_2'),
      row('po_a', 1, 'txn_9', 'charge', 700, 20, 'ch_9'),
    ]);
    const events = await store.readAll({ streamPrefix: reconciliation.streamPrefix });

    // The batch as the runner applies it, with the process dying after the appends, before the commit.
    await expect(
      withTransaction(db.pool, async (tx) => {
        await reconciliation.apply(tx, events, { schema: 'read_models', store });
        throw new Crash('killed before COMMIT');
      }),
    ).rejects.toBeInstanceOf(Crash);
    const appended = await postedCount(db.pool);
    expect(appended).toBe(1);
    const { rows: lines } = await db.pool.query(`SELECT count(*)::int AS n FROM read_models.reconciliation_lines`);
    expect(lines).toEqual([{ n: 0 }]);
    expect((await readCheckpoint(db.pool, 'reconciliation')).eventsApplied).toBe(0);

    // Restarted: the runner applies the batch again from the checkpoint, then the books run.
    await settle(db.pool, store);
    expect((await readCheckpoint(db.pool, 'reconciliation')).eventsApplied).toBeGreaterThan(events.length);
    expect(await postedCount(db.pool)).toBe(appended);
    const entries = await postedEntries(db.pool);
    expect(entries).toHaveLength(1);
    expect(await net(db.pool, 'expense:fees:stripe', 'USD')).toBe(59 + 88);
    expect(await net(db.pool, 'suspense:stripe', 'USD')).toBe(-680);
    expect(await trialDifferences(db.pool)).toEqual({ USD: '0' });
  });
});
