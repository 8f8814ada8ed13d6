/** How far ahead of our clock a provider time may be before it is taken for a skewed clock. */
export const MAX_PROVIDER_CLOCK_AHEAD_MS = 5 * 60_000;

export interface ProviderClock {
  /** When the reported event happened: the provider's time, else when we received it. */
  readonly event: Date;
  /** A provider time of something the payload names (an object's creation), else the event's. */
  at(time: Date | undefined): Date;
  /** The provider time we did not believe (more than 5 minutes ahead of ours), when there was one. */
  readonly skewed?: Date;
}

/**
 * Two clocks: commands from a webhook record when things happened at the
 * provider, not when the delivery reached us (a success retried for a day
 * belongs to the hour it happened). A provider time more than 5 minutes in our
 * future is not believed: the received time stands in and the event says so.
 */
export function providerClock(intent: { readonly occurredAt?: Date }, receivedAt: Date): ProviderClock {
  let skewed: Date | undefined;
  const believe = (time: Date | undefined, fallback: Date): Date => {
    if (!time) return fallback;
    if (time.getTime() - receivedAt.getTime() > MAX_PROVIDER_CLOCK_AHEAD_MS) {
      skewed ??= time;
      return receivedAt;
    }
    return time;
  };
  const event = believe(intent.occurredAt, receivedAt);
  return {
    event,
    at: (time) => believe(time, event),
    get skewed() {
      return skewed;
    },
  };
}
