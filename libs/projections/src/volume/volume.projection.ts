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

/** Start of the UTC hour or day containing `at`, as ISO. */
export function bucketStart(at: Date, granularity: Granularity): string {
  const d = new Date(at.getTime());
  d.setUTCMinutes(0, 0, 0);
  if (granularity === 'day') d.setUTCHours(0);
  return d.toISOString();
}
