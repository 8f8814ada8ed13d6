import type { Readable } from 'node:stream';

/** What is used of the client's `StreamingRead`: a Readable fed by a piped gRPC call, with `cancel()`. */
export interface CancellableRead {
  cancel(): Promise<void>;
  once(event: string | symbol, listener: (...args: unknown[]) => void): unknown;
}

/**
 * A read that may be left before its end. The client's read is a Transform that the
 * gRPC call is piped into once the call exists; leaving the loop early destroys the
 * Transform and unpipes the call, which then sits paused. If the server had already
 * finished the call, `cancel()` does nothing and the call never emits 'end', so it
 * stays in the client's open-stream set and `dispose()` waits on it forever (seen
 * against a 24.2 server: every health-check ping leaked one). The returned release cancels the
 * call, unpipes it and lets it flow to its end, whatever state it is in.
 */
export function releaseOnEarlyExit(read: CancellableRead): () => Promise<void> {
  let source: Readable | undefined;
  let released = false;
  // Unpiped from the dead Transform, the call would be paused again by the pipe's backpressure.
  const drain = (call: Readable) => {
    call.unpipe();
    call.resume();
  };
  read.once('pipe', (...args: unknown[]) => {
    const piped = args[0] as Readable;
    source = piped;
    if (released) process.nextTick(drain, piped);
  });
  return async () => {
    released = true;
    await read.cancel().catch(() => undefined);
    if (source) drain(source);
  };
}
