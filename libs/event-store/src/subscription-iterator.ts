import type { RecordedEvent, Subscription, SubscriptionMessage } from './event-store';
import type { Position } from './position';

export interface PollingOptions {
  readonly after?: Position;
  readonly maxBatchSize: number;
  /** How long to wait before polling again once caught up. */
  readonly idleDelayMs: number;
  readonly readPage: (after: Position | undefined, max: number) => Promise<RecordedEvent[]>;
}

/**
 * A catch-up subscription by polling: pages until a short page says it caught up,
 * then keeps polling. Polling (not LISTEN/NOTIFY) because NOTIFY takes a
 * database-wide lock at commit and would serialise every append.
 */
export class PollingSubscription implements Subscription {
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: PollingOptions) {}

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    let after = this.options.after;
    let caughtUp = false;
    while (!this.stopped) {
      const events = await this.options.readPage(after, this.options.maxBatchSize);
      if (this.stopped) return;
      if (events.length > 0) {
        after = events[events.length - 1].position;
        yield { kind: 'events', events };
      }
      if (events.length < this.options.maxBatchSize) {
        if (!caughtUp) {
          caughtUp = true;
          yield { kind: 'caughtUp', position: after };
        }
        await this.sleep(this.options.idleDelayMs);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
