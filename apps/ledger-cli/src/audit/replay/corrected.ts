import type { EventStore, RecordedEvent } from '@ledger/event-store';
import type { ProviderUnitsCorrectionView, StreamUpcaster } from '@ledger/payments-domain';

export type ReplayedEvent = RecordedEvent & { correction?: ProviderUnitsCorrectionView };

/**
 * A page as auditors read it: amounts a provider's units left in old streams brought to ISO minor units
 * (upcasting.ts), the stored event unchanged. A range that starts after a stream's PaymentCreated reads it first.
 */
export async function correctedPage(store: EventStore, upcaster: StreamUpcaster, page: readonly RecordedEvent[]): Promise<ReplayedEvent[]> {
  const corrected: ReplayedEvent[] = [];
  for (const event of page) {
    if (upcaster.unknownStream(event)) {
      const [created] = await store.readStream(event.streamId, { maxCount: 1 });
      if (created) upcaster.learn(created);
    }
    corrected.push(upcaster.corrected(event));
  }
  return corrected;
}
