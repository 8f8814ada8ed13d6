import { comparePositions, type EventStore, type ReadAllOptions, type RecordedEvent } from '@ledger/event-store';
import { countStoreEventsUpTo } from './verify-audit-chain';

const event = (n: number, streamId: string): RecordedEvent => ({
  eventId: `e-${n}`,
  streamId,
  type: 'PaymentCreated',
  revision: 0n,
  position: { commit: BigInt(n * 10), prepare: BigInt(n * 10) },
  data: {},
  metadata: {},
  recordedAt: new Date(0),
});

/** `$all` as the EventStoreDB adapter serves it: forwards, strictly after `after`, prefix-filtered, bounded. */
function storeOf(events: RecordedEvent[]): { store: EventStore; reads: ReadAllOptions[] } {
  const reads: ReadAllOptions[] = [];
  const readAll = async (options: ReadAllOptions = {}) => {
    reads.push(options);
    return events
      .filter((e) => !options.after || comparePositions(e.position, options.after) > 0)
      .filter((e) => !options.streamPrefix || e.streamId.startsWith(options.streamPrefix))
      .slice(0, options.maxCount);
  };
  return { store: { readAll } as unknown as EventStore, reads };
}

describe('countStoreEventsUpTo (what the audit chain check counts the trail against)', () => {
  const events = Array.from({ length: 23 }, (_, i) => event(i + 1, i % 4 === 0 ? `other-${i}` : `payment-${i}`));

  it('counts the payment events at or before the checkpoint, over several pages', async () => {
    const { store, reads } = storeOf(events);
    const to = events[19].position;
    const expected = events.filter((e) => e.streamId.startsWith('payment-') && comparePositions(e.position, to) <= 0).length;
    expect(await countStoreEventsUpTo(store, to, 4)).toBe(expected);
    expect(reads.length).toBeGreaterThan(3);
    expect(reads.every((r) => r.streamPrefix === 'payment-')).toBe(true);
  });

  it('counts every payment event when the checkpoint is at the head, and none before the first', async () => {
    const { store } = storeOf(events);
    expect(await countStoreEventsUpTo(store, events.at(-1)!.position, 5)).toBe(
      events.filter((e) => e.streamId.startsWith('payment-')).length,
    );
    expect(await countStoreEventsUpTo(store, { commit: 0n, prepare: 0n })).toBe(0);
  });
});
