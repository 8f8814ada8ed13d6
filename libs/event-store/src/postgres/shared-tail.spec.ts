import fc from 'fast-check';
import type { RecordedEvent } from '../event-store';
import { comparePositions, type Position } from '../position';
import { SharedTail, type SharedTailOptions, type SizedEvent } from './shared-tail';

/**
 * A log as the database shows it: events up to `visible` can be read (the horizon), each read cut the way
 * readPage cuts a page (at most maxCount events, while the stored bytes before each stay under maxBytes).
 */
class FakeLog {
  readonly events: SizedEvent[] = [];
  visible = 0;
  reads = 0;
  failNext = false;

  append(bytes: number[]): void {
    for (const size of bytes) {
      const n = BigInt(this.events.length + 1);
      const event: RecordedEvent = {
        eventId: `e${n}`,
        streamId: n % 4n === 0n ? `customer-${n}` : `payment-${n % 3n}`,
        type: 'PaymentCreated',
        revision: 0n,
        position: { commit: n * 10n, prepare: n },
        data: { n: Number(n), nested: { ids: ['a', 'b'] } },
        metadata: {},
        recordedAt: new Date(0),
      };
      this.events.push({ event, bytes: size });
    }
  }

  /** Commits what was appended: it becomes readable. */
  commit(): void {
    this.visible = this.events.length;
  }

  direct(
    after: Position | undefined,
    maxCount: number,
    maxBytes = Number.POSITIVE_INFINITY,
    prefix = '',
  ): { events: SizedEvent[]; more: boolean } {
    // readPage's rule: the first maxCount events after `after` (the head), cut where the bytes before reach
    // maxBytes; more when the cut shortened the head or the head was full.
    const head = this.events
      .slice(0, this.visible)
      .filter((e) => e.event.streamId.startsWith(prefix) && (!after || comparePositions(e.event.position, after) > 0))
      .slice(0, maxCount);
    const page: SizedEvent[] = [];
    let before = 0;
    for (const e of head) {
      if (before >= maxBytes) break;
      page.push(e);
      before += e.bytes;
    }
    return { events: page, more: page.length < head.length || head.length === maxCount };
  }

  readonly read = async (after: Position | undefined, maxCount: number, maxBytes: number) => {
    this.reads++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('connection terminated');
    }
    return this.direct(after, maxCount, maxBytes);
  };
}

function setup(options: Partial<SharedTailOptions> = {}) {
  const log = new FakeLog();
  let clock = 0;
  const tail = new SharedTail(log.read, {
    freshMs: 100,
    readCount: 1000,
    readBytes: 1_000_000,
    maxEvents: 1000,
    maxBytes: 1_000_000,
    now: () => clock,
    ...options,
  });
  return { log, tail, advance: (ms: number) => (clock += ms) };
}

const ns = (events: readonly RecordedEvent[] | undefined) => events?.map((e) => (e.data as { n: number }).n);
const at = (log: FakeLog, n: number): Position => log.events[n - 1].event.position;

describe('SharedTail', () => {
  it('serves every subscriber at the head from one read while it is fresh', async () => {
    const { log, tail } = setup();
    log.append([10, 10, 10]);
    log.commit();
    const pages = await Promise.all([tail.page(undefined, 500), tail.page(undefined, 500), tail.page(at(log, 1), 500)]);
    expect(pages.map((p) => ns(p?.events))).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [2, 3],
    ]);
    expect(pages.every((p) => p?.more === false)).toBe(true);
    expect(log.reads).toBe(1);
    // Caught up and still fresh: nothing new is read, and the page says so.
    log.append([10]);
    log.commit();
    expect(await tail.page(at(log, 3), 500)).toEqual({ events: [], more: false });
    expect(log.reads).toBe(1);
  });

  it('reads the head again once the last read is older than freshMs, after where the tail ends', async () => {
    const { log, tail, advance } = setup();
    log.append([10, 10]);
    log.commit();
    await tail.page(undefined, 500);
    log.append([10]);
    log.commit();
    advance(100);
    expect(ns((await tail.page(at(log, 2), 500))?.events)).toEqual([3]);
    expect(log.reads).toBe(2);
    // A slower subscriber still gets the older events from the tail, without a read.
    expect(ns((await tail.page(undefined, 500))?.events)).toEqual([1, 2, 3]);
    expect(log.reads).toBe(2);
  });

  it('cuts a page as the database does: maxCount, then the stored bytes before each event', async () => {
    const { log, tail } = setup();
    log.append([40, 40, 40, 40, 40]);
    log.commit();
    expect(await tail.page(undefined, 2)).toMatchObject({ more: true });
    expect(ns((await tail.page(undefined, 2))?.events)).toEqual([1, 2]);
    // 0 < 100, 40 < 100, 80 < 100: three events; the fourth starts at 120.
    expect(ns((await tail.page(undefined, 500, 100))?.events)).toEqual([1, 2, 3]);
    expect((await tail.page(undefined, 500, 100))?.more).toBe(true);
    // One event bigger than the bound still goes, alone.
    expect(ns((await tail.page(undefined, 500, 1))?.events)).toEqual([1]);
    for (const [maxCount, maxBytes] of [
      [2, Infinity],
      [500, 100],
      [500, 1],
      [5, Infinity],
      [500, 200],
    ]) {
      const page = await tail.page(undefined, maxCount, maxBytes);
      const expected = log.direct(undefined, maxCount, maxBytes);
      expect({ n: ns(page?.events), more: page?.more }).toEqual({ n: ns(expected.events.map((e) => e.event)), more: expected.more });
    }
  });

  it('serves each subscriber only its prefix, counting and cutting its own events, from the one read', async () => {
    const { log, tail } = setup();
    log.append([10, 10, 10, 500, 10, 10, 10, 10]); // event 4 and 8 are customer-4 and customer-8
    log.commit();
    expect(ns((await tail.page(undefined, 500, Infinity, 'customer-'))?.events)).toEqual([4, 8]);
    expect(ns((await tail.page(undefined, 3, Infinity, 'payment-'))?.events)).toEqual([1, 2, 3]);
    expect(ns((await tail.page(at(log, 3), 500, 15, 'payment-'))?.events)).toEqual([5, 6]);
    expect(ns((await tail.page(undefined, 500, Infinity, 'payment-1'))?.events)).toEqual([1, 7]);
    expect(log.reads).toBe(1);
  });

  it('reads on at once, fresh or not, when its last read stopped short of the visible log', async () => {
    const { log, tail } = setup({ readCount: 2 });
    log.append([10, 10, 10, 10, 10]);
    log.commit();
    const first = await tail.page(undefined, 500);
    expect({ n: ns(first?.events), more: first?.more }).toEqual({ n: [1, 2], more: true });
    const second = await tail.page(at(log, 2), 500);
    expect({ n: ns(second?.events), more: second?.more }).toEqual({ n: [3, 4], more: true });
    const third = await tail.page(at(log, 4), 500);
    expect({ n: ns(third?.events), more: third?.more }).toEqual({ n: [5], more: false });
    expect(log.reads).toBe(3);
  });

  it('answers undefined to a subscriber behind what it holds, and reads on for one past its end', async () => {
    const { log, tail, advance } = setup({ maxEvents: 2 });
    log.append([10, 10]);
    log.commit();
    expect(ns((await tail.page(undefined, 500))?.events)).toEqual([1, 2]);
    log.append([10, 10]);
    log.commit();
    advance(100);
    expect(ns((await tail.page(at(log, 2), 500))?.events)).toEqual([3, 4]);
    expect(tail.size.events).toBe(2);
    // Events 1 and 2 dropped: from the start (or from 1) the subscriber reads the database itself.
    expect(await tail.page(undefined, 500)).toBeUndefined();
    expect(await tail.page(at(log, 1), 500)).toBeUndefined();
    expect(ns((await tail.page(at(log, 2), 500))?.events)).toEqual([3, 4]);
    // A subscriber that read ahead on its own, past event 4 where the tail ends: the tail reads on to reach it,
    // even while fresh, and keeps what it held.
    log.append([10, 10]);
    log.commit();
    const reads = log.reads;
    expect(ns((await tail.page(at(log, 5), 500))?.events)).toEqual([6]);
    expect(log.reads).toBe(reads + 1);
    expect(ns((await tail.page(at(log, 4), 500))?.events)).toEqual([5, 6]);
  });

  it('starts again at a subscriber that one read on does not reach', async () => {
    const { log, tail } = setup({ readCount: 2 });
    log.append([10, 10, 10, 10, 10, 10]);
    log.commit();
    await tail.page(undefined, 500);
    expect(ns((await tail.page(at(log, 5), 500))?.events)).toEqual([6]);
    expect(await tail.page(at(log, 2), 500)).toBeUndefined();
  });

  it('keeps at most maxBytes of stored data besides what its last read brought', async () => {
    const { log, tail, advance } = setup({ maxBytes: 100 });
    log.append([60, 60, 500]);
    log.commit();
    expect(ns((await tail.page(undefined, 500))?.events)).toEqual([1, 2, 3]);
    expect(tail.size).toEqual({ events: 3, bytes: 620 });
    log.append([10]);
    log.commit();
    advance(100);
    expect(ns((await tail.page(at(log, 3), 500))?.events)).toEqual([4]);
    // 1-3 are older than the last read: dropped until the rest fits (3 alone is over; 4 came with the read).
    expect(tail.size).toEqual({ events: 1, bytes: 10 });
    expect(await tail.page(at(log, 2), 500)).toBeUndefined();
    expect(ns((await tail.page(at(log, 3), 500))?.events)).toEqual([4]);
  });

  it('shares one read among concurrent callers, and a failed read fails each of them and is retried by the next', async () => {
    const { log, tail } = setup();
    log.append([10]);
    log.commit();
    log.failNext = true;
    const results = await Promise.allSettled([tail.page(undefined, 500), tail.page(undefined, 500)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(log.reads).toBe(1);
    expect(ns((await tail.page(undefined, 500))?.events)).toEqual([1]);
    expect(log.reads).toBe(2);
  });

  it('has a subscriber past its end wait for the read in flight', async () => {
    const log = new FakeLog();
    log.append([10, 10, 10]);
    log.commit();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const tail = new SharedTail(
      async (after, maxCount, maxBytes) => {
        if (calls++ === 0) await gate;
        return log.direct(after, maxCount, maxBytes);
      },
      { freshMs: 100, readCount: 1000, readBytes: 1e6, maxEvents: 1000, maxBytes: 1e6, now: () => 0 },
    );
    const slow = tail.page(undefined, 500);
    // Meanwhile a subscriber past the tail's end waits for that read; it fails, and the tail starts again there.
    const ahead = tail.page(at(log, 2), 500);
    release();
    expect(ns((await slow)?.events)).toEqual([1, 2, 3]);
    expect(ns((await ahead)?.events)).toEqual([3]);
    expect(calls).toBe(1);
  });

  it('freezes what it shares: a projection cannot change the event another one gets', async () => {
    const { log, tail } = setup();
    log.append([10]);
    log.commit();
    const [event] = (await tail.page(undefined, 500))!.events;
    expect(() => {
      (event.data as { n: number }).n = 2;
    }).toThrow(TypeError);
    expect(() => {
      (event.data as { nested: { ids: string[] } }).nested.ids.push('c');
    }).toThrow(TypeError);
    expect(Object.isFrozen(event.position)).toBe(true);
  });

  it('gives each subscriber exactly its streams of the log, in order, whatever the interleaving of appends, reads and time', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('append' as const),
        sizes: fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 6 }),
      }),
      fc.record({ kind: fc.constant('commit' as const) }),
      fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 150 }) }),
      fc.record({
        kind: fc.constant('read' as const),
        reader: fc.integer({ min: 0, max: 3 }),
        maxCount: fc.integer({ min: 1, max: 8 }),
        maxBytes: fc.constantFrom(Infinity, 200, 500),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { maxLength: 80 }),
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 200, max: 2000 }),
        async (ops, maxEvents, maxBytes) => {
          const { log, tail, advance } = setup({ readCount: 5, readBytes: 400, maxEvents, maxBytes });
          const prefixes = ['', '', 'payment-', 'payment-1'];
          const seen: number[][] = [[], [], [], []];
          const positions: (Position | undefined)[] = [undefined, undefined, undefined, undefined];
          const readPage = async (reader: number, maxCount: number, pageBytes: number) => {
            const after = positions[reader];
            const page =
              (await tail.page(after, maxCount, pageBytes, prefixes[reader])) ??
              (({ events, more }) => ({ events: events.map((e) => e.event), more }))(
                log.direct(after, maxCount, pageBytes, prefixes[reader]),
              );
            for (const e of page.events) seen[reader].push((e.data as { n: number }).n);
            if (page.events.length > 0) positions[reader] = page.events[page.events.length - 1].position;
            return page;
          };
          for (const o of ops) {
            if (o.kind === 'append') log.append(o.sizes);
            else if (o.kind === 'commit') log.commit();
            else if (o.kind === 'tick') advance(o.ms);
            else await readPage(o.reader, o.maxCount, o.maxBytes);
          }
          // Each subscriber then reads to the end as a subscription does (on while a page says more; then, after
          // its wait, once more).
          log.commit();
          advance(1000);
          for (let reader = 0; reader < 4; reader++) {
            for (let guard = 0; guard < 1000 && (await readPage(reader, 3, Infinity)).more; guard++);
            advance(1000);
            for (let guard = 0; guard < 1000 && (await readPage(reader, 3, Infinity)).more; guard++);
          }
          seen.forEach((s, reader) =>
            expect(s).toEqual(
              log.events.filter((e) => e.event.streamId.startsWith(prefixes[reader])).map((e) => (e.event.data as { n: number }).n),
            ),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
