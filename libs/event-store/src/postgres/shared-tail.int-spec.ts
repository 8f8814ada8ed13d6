import { withTransaction } from '@ledger/platform';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { waitFor } from '../../../../test/support/wait-for';
import type { RecordedEvent, Subscription } from '../event-store';
import { PostgresEventStore } from './postgres-event-store';

/** Reads a subscription until it has `count` events (it stays subscribed until stopped). */
async function take(subscription: Subscription, count: number): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const message of subscription) {
    if (message.kind === 'events') events.push(...message.events);
    if (events.length >= count) break;
  }
  return events;
}

const ids = (events: readonly RecordedEvent[]) => events.map((e) => e.eventId);

/**
 * Subscribers of one prefix in one process share the log's tail (issue 33): one read of the head serves all of
 * them. On a real PostgreSQL, with appends committing while they read and out of sequence order.
 */
describe('PostgreSQL store: subscribers sharing the tail', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let pageReads: () => number;

  beforeAll(async () => {
    db = await createTestDatabase(12);
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 20 });
    const query = db.pool.query.bind(db.pool);
    let reads = 0;
    // The pool's own query, counted: the page reads of `$all` (the statement with the page's byte bound).
    db.pool.query = ((...args: Parameters<typeof query>) => {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text;
      if (text?.includes('pg_column_size(head.data)')) reads++;
      return query(...args);
    }) as typeof db.pool.query;
    pageReads = () => reads;
  });

  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('delivers every event once and in order to each subscriber, the same objects, frozen, while appends commit', async () => {
    const writers = Array.from({ length: 8 }, (_, w) =>
      (async () => {
        for (let i = 0; i < 25; i++)
          await store.appendToStream(`share-${w}`, [{ type: 'Tick', data: { w, i, tags: ['a'] } }], i === 0 ? 'no_stream' : BigInt(i - 1));
      })(),
    );
    const readsBefore = pageReads();
    const subscriptions = Array.from({ length: 4 }, () =>
      store.subscribeToAll({ streamPrefix: 'share-', maxBatchSize: 7, maxBatchBytes: 1 << 20 }),
    );
    const reading = subscriptions.map((s) => take(s, 200));
    await Promise.all(writers);
    const seen = await Promise.all(reading);
    await Promise.all(subscriptions.map((s) => s.stop()));
    const all = await store.readAll({ streamPrefix: 'share-', maxCount: 1000 });
    expect(all).toHaveLength(200);
    for (const events of seen) expect(ids(events)).toEqual(ids(all));
    // One tail: the second subscriber got the very objects the first did, and nobody can change them.
    for (let i = 0; i < 200; i++) for (const events of seen.slice(1)) expect(events[i]).toBe(seen[0][i]);
    expect(Object.isFrozen(seen[0][0].data)).toBe(true);
    // Four subscribers in pages of at most 7 need at least 4 × 200 / 7 pages; reads of the head served them.
    expect(pageReads() - readsBefore).toBeLessThan(Math.ceil(200 / 7) * 4);
  });

  it('serves subscribers of different prefixes (and of every stream) from one tail, each only its streams', async () => {
    const subscriptions = [
      store.subscribeToAll({ streamPrefix: 'mix-a-' }),
      store.subscribeToAll({ streamPrefix: 'mix-' }),
      store.subscribeToAll({ after: (await store.readAll({ direction: 'backwards', maxCount: 1 }))[0].position }),
    ];
    const reading = [take(subscriptions[0], 2), take(subscriptions[1], 4), take(subscriptions[2], 4)];
    for (const stream of ['mix-a-1', 'mix-b-1', 'mix-a-2', 'mix-b-2'])
      await store.appendToStream(stream, [{ type: 'Tick', data: {} }], 'no_stream');
    const [a, mix, everything] = await Promise.all(reading);
    await Promise.all(subscriptions.map((s) => s.stop()));
    expect(a.map((e) => e.streamId)).toEqual(['mix-a-1', 'mix-a-2']);
    expect(mix.map((e) => e.streamId)).toEqual(['mix-a-1', 'mix-b-1', 'mix-a-2', 'mix-b-2']);
    expect(everything.map((e) => e.streamId)).toEqual(['mix-a-1', 'mix-b-1', 'mix-a-2', 'mix-b-2']);
    expect(a[1]).toBe(mix[2]);
    expect(everything[3]).toBe(mix[3]);
  });

  it('a lone subscriber of a prefix reads the database itself, as before', async () => {
    await store.appendToStream('alone-1', [{ type: 'Tick', data: { n: 1 } }], 'no_stream');
    const subscription = store.subscribeToAll({ streamPrefix: 'alone-' });
    const [event] = await take(subscription, 1);
    await subscription.stop();
    expect(event.data).toEqual({ n: 1 });
    expect(Object.isFrozen(event.data)).toBe(false);
  });

  it('never skips an event that commits after a later-sequenced one (the gap trap), for every sharing subscriber', async () => {
    await store.appendToStream('gap-0', [{ type: 'First', data: {} }], 'no_stream');
    const subscriptions = [store.subscribeToAll({ streamPrefix: 'gap-' }), store.subscribeToAll({ streamPrefix: 'gap-' })];
    const seen = subscriptions.map((s) => take(s, 3));
    await withTransaction(db.pool, async (slow) => {
      // A lower sequence number than the fast append below, committed after it: the subscribers read meanwhile.
      await slow.query(`SELECT * FROM event_store.append_events('gap-slow', 'no_stream', $1::jsonb)`, [
        JSON.stringify([{ id: '00000000-0000-4000-8000-0000000000aa', type: 'Slow', data: {} }]),
      ]);
      await store.appendToStream('gap-fast', [{ type: 'Fast', data: {} }], 'no_stream');
      // The tail reads the head twice more while the gap is open (the second read begins after the first ended).
      const reads = pageReads();
      await waitFor(() => pageReads() >= reads + 2, 'two reads of the head while the slow append is open');
    });
    for (const events of await Promise.all(seen)) expect(events.map((e) => e.type)).toEqual(['First', 'Slow', 'Fast']);
    await Promise.all(subscriptions.map((s) => s.stop()));
  });
});
