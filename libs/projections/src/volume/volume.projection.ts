import type { CounterProjection } from '../ledger/payment-change';

export type Granularity = 'hour' | 'day';

const GRANULARITIES: readonly Granularity[] = ['hour', 'day'];

/** Succeeded payments and their amounts per UTC hour and day they succeeded in. */
export const volumeProjection: CounterProjection<'payments' | 'volume'> = {
  table: {
    table: 'volume_buckets',
    keys: [
      { name: 'granularity', type: 'text' },
      { name: 'bucket_start', type: 'timestamptz' },
      { name: 'provider', type: 'text' },
      { name: 'currency', type: 'text' },
    ],
    counters: ['payments', 'volume'],
    counterTypes: { volume: 'numeric' },
  },
  project({ event, after }, add) {
    if (event.type !== 'PaymentSucceeded') return;
    const at = after.succeededAt as Date;
    for (const g of GRANULARITIES) add([g, bucketStart(at, g), after.provider, after.currency], { payments: 1, volume: event.data.amount });
  },
};

/**
 * The same buckets with the providers added together (`volume_totals`), so the dashboard's volume over time
 * without a provider filter reads its rows in order instead of summing and sorting `volume_buckets` per request.
 * Per currency, as everything: never summed across currencies.
 */
export const volumeTotalsProjection: CounterProjection<'payments' | 'volume'> = {
  table: {
    table: 'volume_totals',
    keys: [
      { name: 'granularity', type: 'text' },
      { name: 'bucket_start', type: 'timestamptz' },
      { name: 'currency', type: 'text' },
    ],
    counters: ['payments', 'volume'],
    counterTypes: { volume: 'numeric' },
  },
  project({ event, after }, add) {
    if (event.type !== 'PaymentSucceeded') return;
    const at = after.succeededAt as Date;
    for (const g of GRANULARITIES) add([g, bucketStart(at, g), after.currency], { payments: 1, volume: event.data.amount });
  },
};

/** Start of the UTC hour or day containing `at`, as ISO. */
export function bucketStart(at: Date, granularity: Granularity): string {
  const d = new Date(at.getTime());
  d.setUTCMinutes(0, 0, 0);
  if (granularity === 'day') d.setUTCHours(0);
  return d.toISOString();
}
