import type { RecordedEvent, Subscription } from '../event-store';

/** Reads a subscription into `into` until `done()` holds; calls `onCaughtUp` once when it catches up. */
export async function collectUntil(
  subscription: Subscription,
  into: RecordedEvent[],
  done: () => boolean,
  onCaughtUp?: () => void,
  timeoutMs = 30_000,
): Promise<void> {
  const timer = setTimeout(() => void subscription.stop(), timeoutMs);
  try {
    for await (const message of subscription) {
      if (message.kind === 'events') into.push(...message.events);
      else onCaughtUp?.();
      if (done()) break;
    }
  } finally {
    clearTimeout(timer);
    await subscription.stop();
  }
}

export async function drainSubscription(subscription: Subscription, count: number): Promise<RecordedEvent[]> {
  const received: RecordedEvent[] = [];
  await collectUntil(subscription, received, () => received.length >= count);
  return received;
}
