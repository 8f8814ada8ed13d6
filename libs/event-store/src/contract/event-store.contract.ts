import { randomUUID } from 'node:crypto';
import type { EventData, EventStore, RecordedEvent } from '../event-store';
import { WrongExpectedVersionError } from '../errors';
import { comparePositions } from '../position';
import { collectUntil, drainSubscription } from './subscription-helpers';

export interface ContractSetup {
  store: EventStore;
  /** A fresh store instance over the same data, as after a process restart. */
  reopen(): Promise<EventStore>;
}

const ev = (type: string, n: number, eventId?: string): EventData => ({ eventId, type, data: { n }, metadata: { actor: 'test' } });
/** How long the concurrent writers may take on a loaded machine; delivery then has 30 s of its own. */
const WRITERS_DEADLINE_MS = 240_000;

/**
 * The event-store port's contract, written once and run against every adapter.
 * Streams get a unique prefix per test so the suite also runs against a shared,
 * non-empty EventStoreDB.
 */
export function describeEventStoreContract(adapter: string, setup: () => Promise<ContractSetup>, teardown: () => Promise<void>): void {
  describe(`EventStore contract: ${adapter}`, () => {
    let ctx: ContractSetup;
    let prefix: string;
    const stream = (name: string) => `${prefix}${name}`;

    beforeAll(async () => {
      ctx = await setup();
    });
    afterAll(teardown);
    beforeEach(() => {
      prefix = `payment-${randomUUID().slice(0, 8)}-`;
    });

    describe('appending', () => {
      it('creates a stream with no_stream and returns the next revision and a position', async () => {
        const result = await ctx.store.appendToStream(stream('a'), [ev('A', 1), ev('B', 2)], 'no_stream');
        expect(result.nextExpectedRevision).toBe(1n);
        const events = await ctx.store.readStream(stream('a'));
        expect(events.map((e) => [e.type, e.revision])).toEqual([
          ['A', 0n],
          ['B', 1n],
        ]);
        expect(comparePositions(events[1].position, result.position)).toBe(0);
        expect(events[0].data).toEqual({ n: 1 });
        expect(events[0].metadata).toEqual({ actor: 'test' });
      });

      it('appends at an exact expected revision and refuses a stale one with expected and actual', async () => {
        await ctx.store.appendToStream(stream('b'), [ev('A', 1)], 'no_stream');
        await ctx.store.appendToStream(stream('b'), [ev('B', 2)], 0n);
        const error = await ctx.store.appendToStream(stream('b'), [ev('C', 3)], 0n).catch((e) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error).toMatchObject({ expected: 0n, actual: 1n, streamId: stream('b') });
      });

      it('refuses no_stream on an existing stream and stream_exists on a missing one', async () => {
        await ctx.store.appendToStream(stream('c'), [ev('A', 1)], 'any');
        await expect(ctx.store.appendToStream(stream('c'), [ev('B', 1)], 'no_stream')).rejects.toMatchObject({ actual: 0n });
        await expect(ctx.store.appendToStream(stream('missing'), [ev('B', 1)], 'stream_exists')).rejects.toMatchObject({
          actual: 'no_stream',
        });
        await expect(ctx.store.appendToStream(stream('missing'), [ev('B', 1)], 3n)).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await expect(ctx.store.readStream(stream('missing'))).resolves.toEqual([]);
      });

      it('accepts the same event ids again at the same revision and writes nothing twice', async () => {
        const ids = [randomUUID(), randomUUID()];
        const first = await ctx.store.appendToStream(stream('d'), [ev('A', 1, ids[0]), ev('B', 2, ids[1])], 'no_stream');
        const again = await ctx.store.appendToStream(stream('d'), [ev('A', 1, ids[0]), ev('B', 2, ids[1])], 'no_stream');
        expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
        const third = await ctx.store.appendToStream(stream('d'), [ev('C', 3, randomUUID())], 1n);
        const replay = await ctx.store.appendToStream(
          stream('d'),
          [ev('C', 3, (await ctx.store.readStream(stream('d'), { direction: 'backwards', maxCount: 1 }))[0].eventId)],
          1n,
        );
        expect(replay.nextExpectedRevision).toBe(third.nextExpectedRevision);
        expect(await ctx.store.readStream(stream('d'))).toHaveLength(3);
      });
    });

    describe('reading', () => {
      it('reads a stream forwards and backwards, from a revision, bounded', async () => {
        await ctx.store.appendToStream(
          stream('r'),
          [0, 1, 2, 3, 4].map((n) => ev('E', n)),
          'no_stream',
        );
        const forwards = await ctx.store.readStream(stream('r'), { fromRevision: 1n, maxCount: 3 });
        expect(forwards.map((e) => e.revision)).toEqual([1n, 2n, 3n]);
        const backwards = await ctx.store.readStream(stream('r'), { direction: 'backwards', maxCount: 2 });
        expect(backwards.map((e) => e.revision)).toEqual([4n, 3n]);
        const fromThree = await ctx.store.readStream(stream('r'), { direction: 'backwards', fromRevision: 2n });
        expect(fromThree.map((e) => e.revision)).toEqual([2n, 1n, 0n]);
      });

      it('reads all streams in global order, in pages, both directions', async () => {
        for (let i = 0; i < 6; i++) await ctx.store.appendToStream(stream(`g${i % 3}`), [ev('E', i)], 'any');
        const firstPage = await ctx.store.readAll({ streamPrefix: prefix, maxCount: 4 });
        const secondPage = await ctx.store.readAll({ streamPrefix: prefix, after: firstPage[3].position, maxCount: 4 });
        const all = [...firstPage, ...secondPage];
        expect(all.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2, 3, 4, 5]);
        const backwards = await ctx.store.readAll({ streamPrefix: prefix, direction: 'backwards', maxCount: 6 });
        expect(backwards.map((e) => (e.data as { n: number }).n)).toEqual([5, 4, 3, 2, 1, 0]);
        const head = await ctx.store.headPosition();
        expect(head && comparePositions(head, all[5].position)).toBeGreaterThanOrEqual(0);
      });
    });

    describe('subscribing', () => {
      it('catches up, says so, then delivers live events', async () => {
        await ctx.store.appendToStream(stream('s'), [ev('Old', 1)], 'no_stream');
        const subscription = ctx.store.subscribeToAll({ streamPrefix: prefix });
        const received: RecordedEvent[] = [];
        let caughtUp = false;
        const done = collectUntil(
          subscription,
          received,
          () => received.length >= 2,
          () => {
            caughtUp = true;
            void ctx.store.appendToStream(stream('s'), [ev('New', 2)], 0n);
          },
        );
        await done;
        expect(caughtUp).toBe(true);
        expect(received.map((e) => e.type)).toEqual(['Old', 'New']);
      });

      it('resumes strictly after a checkpoint after a restart', async () => {
        await ctx.store.appendToStream(stream('k'), [ev('A', 1), ev('B', 2)], 'no_stream');
        const first = await drainSubscription(ctx.store.subscribeToAll({ streamPrefix: prefix }), 2);
        const checkpoint = first[1].position;
        await ctx.store.appendToStream(stream('k'), [ev('C', 3)], 1n);
        const restarted = await ctx.reopen();
        const rest = await drainSubscription(restarted.subscribeToAll({ streamPrefix: prefix, after: checkpoint }), 1);
        expect(rest.map((e) => e.type)).toEqual(['C']);
      });

      it(
        "delivers every event of 16+ concurrent writers exactly once, in each stream's revision order",
        async () => {
          const writers = 20;
          const perWriter = 25;
          const subscription = ctx.store.subscribeToAll({ streamPrefix: prefix, maxBatchSize: 50 });
          const received: RecordedEvent[] = [];
          const expectedTotal = writers * perWriter * 2;
          // The deadline is for delivery, not for the writers: 20 writers contending on one stream take as long as the
          // machine lets them, and a deadline running from here failed loaded CI runs with the events still being written.
          const collecting = collectUntil(subscription, received, () => received.length >= expectedTotal, undefined, WRITERS_DEADLINE_MS);
          const appendWithRetry = async (streamId: string, data: EventData) => {
            for (;;) {
              const last = await ctx.store.readStream(streamId, { direction: 'backwards', maxCount: 1 }).catch(() => []);
              const expected = last.length ? last[0].revision : 'no_stream';
              try {
                return await ctx.store.appendToStream(streamId, [data], expected);
              } catch (error) {
                if (!(error instanceof WrongExpectedVersionError)) throw error;
              }
            }
          };
          await Promise.all(
            Array.from({ length: writers }, async (_, w) => {
              for (let i = 0; i < perWriter; i++) {
                await ctx.store.appendToStream(stream(`own-${w}`), [ev('Own', i)], i === 0 ? 'no_stream' : BigInt(i - 1));
                await appendWithRetry(stream('shared'), ev('Shared', w * 1000 + i));
              }
            }),
          );
          const deliveryDeadline = setTimeout(() => void subscription.stop(), 30_000);
          await collecting.finally(() => clearTimeout(deliveryDeadline));
          expect(received).toHaveLength(expectedTotal);
          expect(new Set(received.map((e) => e.eventId)).size).toBe(expectedTotal);
          const lastRevision = new Map<string, bigint>();
          for (let i = 0; i < received.length; i++) {
            const e = received[i];
            if (i > 0) expect(comparePositions(received[i - 1].position, e.position)).toBeLessThan(0);
            expect(e.revision).toBe((lastRevision.get(e.streamId) ?? -1n) + 1n);
            lastRevision.set(e.streamId, e.revision);
          }
          const stored = await ctx.store.readStream(stream('shared'));
          expect(stored).toHaveLength(writers * perWriter);
        },
        WRITERS_DEADLINE_MS + 60_000,
      );
    });
  });
}
