import type { EventStore, Position, Subscription } from '@ledger/event-store';

/** One event as a subscriber received it. */
export interface Delivery {
  readonly eventId: string;
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: Position;
}

/**
 * A subscriber held through the whole run, as a projector holds its subscription: `payment-`
 * streams from the first event, every delivery recorded. When its subscription fails for good it
 * resubscribes strictly after the last event it received, as a projector resumes from its
 * checkpoint. The checker compares what it received with the log.
 */
export class SubscriptionWitness {
  readonly received: Delivery[] = [];
  resubscribes = 0;
  private current: Subscription | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly store: EventStore) {}

  start(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const after = this.received[this.received.length - 1]?.position;
      this.current = this.store.subscribeToAll({ streamPrefix: 'payment-', after, maxBatchSize: 200 });
      try {
        for await (const message of this.current) {
          if (message.kind !== 'events') continue;
          for (const e of message.events)
            this.received.push({ eventId: e.eventId, streamId: e.streamId, revision: e.revision, position: e.position });
        }
      } catch {
        // Failed for good (e.g. the store's connection gave up): resume from the last delivery.
      }
      if (this.stopped) break;
      this.resubscribes++;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.current?.stop().catch(() => undefined);
    await this.loop;
  }
}

/**
 * The first place where what a subscriber received differs from the log (both in log order):
 * an event missing (a gap), one received twice (a duplicate), or out of order. Undefined when equal.
 */
export function firstDeliveryDifference(
  log: readonly { readonly eventId: string; readonly streamId: string; readonly revision: bigint }[],
  received: readonly { readonly eventId: string }[],
): string | undefined {
  const seen = new Map<string, number>();
  for (let i = 0; i < received.length; i++) {
    const earlier = seen.get(received[i].eventId);
    if (earlier !== undefined) return `event ${received[i].eventId} received twice (deliveries ${earlier} and ${i})`;
    seen.set(received[i].eventId, i);
  }
  const n = Math.max(log.length, received.length);
  for (let i = 0; i < n; i++) {
    const want = log[i];
    const got = received[i];
    if (want?.eventId === got?.eventId) continue;
    if (!want) return `received ${received.length - log.length} events beyond the log's ${log.length}, first ${got.eventId}`;
    if (!got) return `the log's event ${i} (${want.streamId}@${want.revision}) and ${log.length - i - 1} after it never received`;
    return seen.has(want.eventId)
      ? `out of order at ${i}: the log has ${want.streamId}@${want.revision} (${want.eventId}), received ${got.eventId}`
      : `gap at ${i}: the log's ${want.streamId}@${want.revision} (${want.eventId}) never received`;
  }
  return undefined;
}
