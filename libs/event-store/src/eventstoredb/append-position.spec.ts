import type { AppendResult as EsdbAppendResult, EventStoreDBClient } from '@eventstore/db-client';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

/**
 * The append's position comes from the server's answer, whatever the number of events: a
 * multi-event write is one implicit transaction whose acknowledgement carries the last event's
 * log position (24.2's commit ack; checked against the cluster by the contract suite). A fake
 * client shaped like @eventstore/db-client's: `appendToStream` resolves an AppendResult, and any
 * read fails the test, since an extra read per append halves throughput at 100 events.
 */
function fakeClient(result: EsdbAppendResult) {
  const appendToStream = jest.fn(async () => result);
  const readStream = jest.fn(() => {
    throw new Error('read after append');
  });
  const client = { appendToStream, readStream } as unknown as EventStoreDBClient;
  return { client, appendToStream, readStream };
}

const events = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'E', data: { i } }));

describe('EventStoreDbEventStore.appendToStream position', () => {
  it.each([1, 2, 100])('returns the position the server reported for %i events, without reading the stream', async (n) => {
    const { client, appendToStream, readStream } = fakeClient({
      success: true,
      nextExpectedRevision: BigInt(n - 1),
      position: { commit: 123_456n, prepare: 123_456n },
    });
    const store = new EventStoreDbEventStore(client, 'fake:2113');
    const result = await store.appendToStream('payment-a', events(n), 'no_stream');
    expect(result).toEqual({ nextExpectedRevision: BigInt(n - 1), position: { commit: 123_456n, prepare: 123_456n } });
    expect(appendToStream).toHaveBeenCalledTimes(1);
    expect(readStream).not.toHaveBeenCalled();
  });

  it('reads the last event only when the server reported no position (an idempotent re-append not yet indexed)', async () => {
    const { client, readStream } = fakeClient({ success: true, nextExpectedRevision: 2n, position: undefined });
    readStream.mockImplementation((() =>
      (async function* () {
        yield {
          event: {
            id: '00000000-0000-4000-8000-000000000001',
            streamId: 'payment-a',
            type: 'E',
            revision: 2n,
            position: { commit: 99n, prepare: 98n },
            data: {},
            metadata: {},
            isJson: true,
            created: new Date(0),
          },
        };
      })()) as unknown as () => never);
    const store = new EventStoreDbEventStore(client, 'fake:2113');
    const result = await store.appendToStream('payment-a', events(3), 'any');
    expect(result.position).toEqual({ commit: 99n, prepare: 98n });
    expect(readStream).toHaveBeenCalledWith('payment-a', expect.objectContaining({ fromRevision: 2n, maxCount: 1 }));
  });
});
