import { PassThrough } from 'node:stream';
import { AccessDeniedError, UnavailableError, type AllStreamResolvedEvent } from '@eventstore/db-client';
import type { SubscriptionMessage } from '../event-store';
import type { Position } from '../position';
import { EsdbSubscription, backoffDelay } from './esdb-subscription';
import { waitFor } from '@ledger/testing';

/** Stands in for the client's subscription: an object-mode Readable that also emits 'caughtUp'. */
class FakeSubscription extends PassThrough {
  readonly unsubscribe = jest.fn(async () => undefined);
  constructor() {
    super({ objectMode: true });
  }
  send(...positions: number[]): void {
    for (const p of positions) this.write(esdbEvent(p));
  }
}

const esdbEvent = (p: number, streamId = 'payment-1'): AllStreamResolvedEvent => ({
  event: {
    streamId,
    id: `00000000-0000-4000-8000-${String(p).padStart(12, '0')}`,
    isJson: true,
    revision: BigInt(p),
    type: 'E',
    created: new Date(0),
    data: { p },
    metadata: {},
    position: { commit: BigInt(p), prepare: BigInt(p) },
  },
});

function harness(maxBatchSize: number, after?: Position) {
  const opened: { after: Position | undefined; fake: FakeSubscription }[] = [];
  const subscription = new EsdbSubscription({
    after,
    maxBatchSize,
    minBackoffMs: 1,
    maxBackoffMs: 5,
    open: (from) => {
      const fake = new FakeSubscription();
      opened.push({ after: from, fake });
      return fake;
    },
  });
  return { subscription, opened, iterator: subscription[Symbol.asyncIterator]() };
}

const describeMessage = (m: SubscriptionMessage) => (m.kind === 'events' ? m.events.map((e) => Number(e.position.commit)) : 'caughtUp');

async function take(iterator: AsyncIterator<SubscriptionMessage>, until: (seen: (number[] | string)[]) => boolean) {
  const seen: (number[] | string)[] = [];
  while (!until(seen)) {
    const { value, done } = await iterator.next();
    if (done) break;
    seen.push(describeMessage(value));
  }
  return seen;
}
const eventsIn = (seen: (number[] | string)[]) => seen.flatMap((s) => (Array.isArray(s) ? s : []));

describe('EsdbSubscription', () => {
  it('batches events and signals caughtUp once, after the events buffered before it', async () => {
    const { subscription, opened, iterator } = harness(2);
    const first = iterator.next();
    opened[0].fake.send(1, 2, 3);
    opened[0].fake.emit('caughtUp');
    const seen = [describeMessage((await first).value), ...(await take(iterator, (s) => s.includes('caughtUp')))];
    expect(seen.every((s) => s === 'caughtUp' || s.length <= 2)).toBe(true);
    expect(eventsIn(seen)).toEqual([1, 2, 3]);
    expect(seen[seen.length - 1]).toBe('caughtUp');
    opened[0].fake.emit('caughtUp');
    opened[0].fake.send(4);
    expect(await take(iterator, (s) => s.length > 0)).toEqual([[4]]);
    await subscription.stop();
    expect(opened[0].fake.unsubscribe).toHaveBeenCalled();
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('starts strictly after the checkpoint and resubscribes from the last position after a drop, without repeats', async () => {
    const { subscription, opened, iterator } = harness(10, { commit: 1n, prepare: 1n });
    const first = iterator.next();
    expect(opened[0].after).toEqual({ commit: 1n, prepare: 1n });
    opened[0].fake.send(1, 2, 3);
    expect(describeMessage((await first).value)).toEqual([2, 3]);
    opened[0].fake.emit('error', new UnavailableError());
    const next = iterator.next();
    await waitFor(() => opened.length === 2, 'the resubscription after the drop');
    expect(opened).toHaveLength(2);
    expect(opened[1].after).toEqual({ commit: 3n, prepare: 3n });
    opened[1].fake.send(3, 4);
    expect(describeMessage((await next).value)).toEqual([4]);
    await subscription.stop();
  });

  it('skips system events', async () => {
    const { subscription, opened, iterator } = harness(10);
    const first = iterator.next();
    opened[0].fake.write(esdbEvent(1, '$stats-node'));
    opened[0].fake.send(2);
    expect(describeMessage((await first).value)).toEqual([2]);
    await subscription.stop();
  });

  it('surfaces errors that retrying cannot fix', async () => {
    const { opened, iterator } = harness(10);
    const first = iterator.next();
    opened[0].fake.emit('error', new AccessDeniedError());
    await expect(first).rejects.toBeInstanceOf(AccessDeniedError);
    expect(opened).toHaveLength(1);
  });

  it('backs off exponentially, capped', () => {
    expect([0, 1, 2, 3, 5, 6, 10, 1000].map((a) => backoffDelay(a))).toEqual([100, 200, 400, 800, 3200, 5000, 5000, 5000]);
  });
});
