import { PassThrough, Transform } from 'node:stream';
import { releaseOnEarlyExit, type CancellableRead } from './early-exit-read';

/**
 * Mirrors the client's read: a gRPC call (here a PassThrough whose `cancel()` does nothing,
 * as for a call the server has already finished) piped, once it exists, into a Transform.
 * `serverEnds()` is the call's end arriving after the consumer has left. A page bigger than
 * the Transform's buffer makes the pipe pause the call, as a 512-event `$all` page does.
 */
function clientRead(items: number[]) {
  const call = new PassThrough({ objectMode: true });
  const cancel = jest.fn();
  for (const item of items) call.write(item);
  const read = new Transform({ objectMode: true, transform: (chunk, _enc, next) => next(null, chunk) }) as Transform & CancellableRead;
  read.cancel = async () => cancel();
  setImmediate(() => call.pipe(read));
  return { call, read, cancel, serverEnds: () => call.end() };
}

const PAGE = Array.from({ length: 100 }, (_, i) => i + 1);

const ticks = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

async function firstThenLeave(read: Transform): Promise<unknown> {
  for await (const item of read) return item;
  return undefined;
}

describe('releaseOnEarlyExit', () => {
  it('lets a finished gRPC call reach its end after the loop is left early, so the client can dispose', async () => {
    const { call, read, cancel, serverEnds } = clientRead(PAGE);
    const release = releaseOnEarlyExit(read);
    expect(await firstThenLeave(read)).toBe(1);
    serverEnds();
    await release();
    await ticks();
    expect(cancel).toHaveBeenCalledTimes(1);
    expect(call.readableEnded).toBe(true);
  });

  it('without release, the same call stays open (the leak the helper closes)', async () => {
    const { call, read, serverEnds } = clientRead(PAGE);
    expect(await firstThenLeave(read)).toBe(1);
    serverEnds();
    await read.cancel();
    await ticks();
    expect(call.readableEnded).toBe(false);
  });

  it('released before the call was piped in, it still ends the call once it is', async () => {
    const { call, read, cancel, serverEnds } = clientRead(PAGE);
    const release = releaseOnEarlyExit(read);
    serverEnds();
    await release();
    read.destroy();
    await ticks();
    expect(cancel).toHaveBeenCalledTimes(1);
    expect(call.readableEnded).toBe(true);
  });
});
