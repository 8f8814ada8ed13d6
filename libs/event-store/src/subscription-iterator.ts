import type { RecordedEvent, Subscription, SubscriptionMessage } from './event-store';
import type { Position } from './position';

export interface PollingOptions {
  readonly after?: Position;
  readonly maxBatchSize: number;
  /** How long to wait before polling again once caught up. */
  readonly idleDelayMs: number;
  /** A page, and whether more may follow at once (a full page, or one cut short by its bytes). */
  readonly readPage: (after: Position | undefined, max: number) => Promise<{ events: RecordedEvent[]; more: boolean }>;
  /** Called once, on the first stop(). */
  readonly onStop?: () => void;
}

/**
 * A catch-up subscription by polling: pages until a page that is neither full nor cut short says it caught up,
 * then keeps polling. Polling (not LISTEN/NOTIFY) because NOTIFY takes a
 * database-wide lock at commit and would serialise every append.
 */
export class PollingSubscription implements Subscription {
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: PollingOptions) {}

  async stop(): Promise<void> {
    if (!this.stopped) this.options.onStop?.();
    this.stopped = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    let after = this.options.after;
    let caughtUp = false;
    while (!this.stopped) {
      const { events, more } = await this.options.readPage(after, this.options.maxBatchSize);
      if (this.stopped) return;
      if (events.length > 0) {
        after = events[events.length - 1].position;
        yield { kind: 'events', events };
      }
      if (!more) {
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
