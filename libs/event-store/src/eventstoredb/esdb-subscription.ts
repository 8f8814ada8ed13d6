import type { AllStreamResolvedEvent, AllStreamSubscription } from '@eventstore/db-client';
import { esdb } from './esdb-client';
import type { RecordedEvent, Subscription, SubscriptionMessage } from '../event-store';
import { comparePositions, type Position } from '../position';
import { isSystemEvent, mapError, toRecordedEvent } from './mapping';

export interface EsdbSubscriptionOptions {
  /** Opens a client subscription strictly after `after` (ESDB's fromPosition is exclusive), or from the start. */
  readonly open: (after: Position | undefined) => AllStreamSubscription;
  readonly after?: Position;
  readonly maxBatchSize: number;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

type Item =
  | { readonly kind: 'event'; readonly event: RecordedEvent }
  | { readonly kind: 'caughtUp' }
  | { readonly kind: 'error'; readonly error: Error };

export function backoffDelay(attempt: number, minMs = 100, maxMs = 5_000): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
}

const isFatal = (error: unknown) =>
  error instanceof esdb().AccessDeniedError || error instanceof esdb().InvalidArgumentError || error instanceof esdb().UnsupportedError;

/**
 * A catch-up subscription over the client's `subscribeToAll`, resubscribing after a
 * drop from the last position it has queued, so nothing is skipped or repeated.
 */
export class EsdbSubscription implements Subscription {
  private stopped = false;
  private started = false;
  private current: AllStreamSubscription | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private lastQueued: Position | undefined;
  private lastDelivered: Position | undefined;
  private caughtUpQueued = false;
  private readonly queue: Item[] = [];
  private wake: (() => void) | undefined;

  constructor(private readonly options: EsdbSubscriptionOptions) {
    this.lastQueued = options.after;
    this.lastDelivered = options.after;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.close();
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    if (this.started) throw new Error('an EventStoreDB subscription can be iterated once');
    this.started = true;
    this.connect();
    try {
      while (!this.stopped) {
        const head = this.queue[0];
        if (!head) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          continue;
        }
        if (head.kind === 'error') throw head.error;
        if (head.kind === 'caughtUp') {
          this.queue.shift();
          yield { kind: 'caughtUp', position: this.lastDelivered };
          continue;
        }
        const events: RecordedEvent[] = [];
        while (events.length < this.options.maxBatchSize && this.queue[0]?.kind === 'event') {
          events.push((this.queue.shift() as { event: RecordedEvent }).event);
        }
        if (this.queue.length < this.options.maxBatchSize) this.current?.resume();
        this.lastDelivered = events[events.length - 1].position;
        yield { kind: 'events', events };
      }
    } finally {
      await this.stop();
    }
  }

  private connect(): void {
    if (this.stopped) return;
    let subscription: AllStreamSubscription;
    try {
      subscription = this.options.open(this.lastQueued);
    } catch (error) {
      this.fail(undefined, error);
      return;
    }
    this.current = subscription;
    // 'caughtUp' is emitted while earlier events may still sit in the readable buffer;
    // it is queued only after those, so it never overtakes an event.
    let caughtUpAfter = -1;
    const markCaughtUp = () => {
      caughtUpAfter = -1;
      if (this.caughtUpQueued) return;
      this.caughtUpQueued = true;
      this.push({ kind: 'caughtUp' });
    };
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      if (this.current !== subscription) return;
      this.attempt = 0;
      try {
        this.accept(resolved);
      } catch (error) {
        void this.close();
        this.push({ kind: 'error', error: mapError(error) });
        return;
      }
      if (caughtUpAfter > 0 && --caughtUpAfter === 0) markCaughtUp();
      if (this.queue.length >= this.options.maxBatchSize * 4) subscription.pause();
    });
    subscription.on('caughtUp', () => {
      if (this.current !== subscription) return;
      this.attempt = 0;
      const buffered = subscription.readableLength;
      if (buffered === 0) markCaughtUp();
      else caughtUpAfter = buffered;
    });
    subscription.on('error', (error: Error) => this.fail(subscription, error));
    subscription.on('end', () => this.fail(subscription, new Error('subscription ended by the server')));
  }

  private accept(resolved: AllStreamResolvedEvent): void {
    const event = toRecordedEvent(resolved);
    if (isSystemEvent(event)) return;
    if (this.lastQueued && comparePositions(event.position, this.lastQueued) <= 0) return;
    this.lastQueued = event.position;
    this.push({ kind: 'event', event });
  }

  private fail(subscription: AllStreamSubscription | undefined, error: unknown): void {
    if (this.stopped || (subscription && this.current !== subscription)) return;
    void this.close();
    if (isFatal(error)) {
      this.push({ kind: 'error', error: mapError(error) });
      return;
    }
    const delay = backoffDelay(this.attempt++, this.options.minBackoffMs, this.options.maxBackoffMs);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private async close(): Promise<void> {
    const subscription = this.current;
    this.current = undefined;
    if (!subscription) return;
    subscription.removeAllListeners('data');
    subscription.on('error', () => undefined);
    try {
      await subscription.unsubscribe();
    } catch {
      // Already gone; nothing to release.
    }
    subscription.destroy();
  }

  private push(item: Item): void {
    this.queue.push(item);
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
