import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import type { RecordedEvent, SubscriptionMessage } from '../event-store';
import { PostgresEventStore } from './postgres-event-store';

/**
 * Pages bounded by stored bytes (ReadAllOptions.maxBytes, SubscribeOptions.maxBatchBytes): a projector reading a
 * payout's report lines holds a bounded batch, not 500 events of 500 lines each.
 */
describe('PostgreSQL store: pages bounded by stored bytes', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  // Random text does not compress: each event stores about 40 kB.
  const big = () => ({ blob: randomBytes(30_000).toString('base64') });

  beforeAll(async () => {
    db = await createTestDatabase(4);
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 5 });
    for (let i = 0; i < 6; i += 1) await store.appendToStream(`pagebytes-${i}`, [{ type: 'Big', data: big() }], 'no_stream');
    await store.appendToStream(
      'pagebytes-small',
      [
        { type: 'Small', data: { n: 1 } },
        { type: 'Small', data: { n: 2 } },
      ],
      'no_stream',
    );
  });

  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const streams = (events: readonly RecordedEvent[]) => events.map((e) => `${e.streamId}/${e.revision}`);

  it('ends a page once the stored bytes before an event reach the bound, and always returns at least one event', async () => {
    const all = await store.readAll({ streamPrefix: 'pagebytes-', maxCount: 100 });
    expect(all).toHaveLength(8);
    const page = await store.readAll({ streamPrefix: 'pagebytes-', maxCount: 100, maxBytes: 100_000 });
    // 40 kB each: the third starts at 80 kB (< 100 kB) and is in; the fourth starts at 120 kB and is not.
    expect(streams(page)).toEqual(streams(all.slice(0, 3)));
    expect(streams(await store.readAll({ streamPrefix: 'pagebytes-', maxCount: 100, maxBytes: 1 }))).toEqual(streams(all.slice(0, 1)));
    const rest = await store.readAll({ streamPrefix: 'pagebytes-', maxCount: 100, maxBytes: 100_000, after: page[2].position });
    expect(streams(rest)).toEqual(streams(all.slice(3, 6)));
    // Small events are far from any bound.
    const tail = await store.readAll({ streamPrefix: 'pagebytes-', maxCount: 100, maxBytes: 100_000, after: all[5].position });
    expect(streams(tail)).toEqual(['pagebytes-small/0', 'pagebytes-small/1']);
  });

  it('a subscription delivers every event once, in order, in batches within the bound, and is caught up only after the last', async () => {
    const all = await store.readAll({ streamPrefix: 'pagebytes-', maxCount: 100 });
    const subscription = store.subscribeToAll({ streamPrefix: 'pagebytes-', maxBatchSize: 500, maxBatchBytes: 100_000 });
    const messages: SubscriptionMessage[] = [];
    for await (const message of subscription) {
      messages.push(message);
      if (message.kind === 'caughtUp') break;
    }
    await subscription.stop();
    const batches = messages.flatMap((m) => (m.kind === 'events' ? [streams(m.events)] : []));
    expect(batches.map((b) => b.length)).toEqual([3, 3, 2]);
    expect(batches.flat()).toEqual(streams(all));
    expect(messages.at(-1)).toEqual({ kind: 'caughtUp', position: all[7].position });
  });
});
