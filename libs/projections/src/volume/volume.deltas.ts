import { DeltaTable } from '../sql/delta-table';

export type Granularity = 'hour' | 'day';

export const volumeDeltas = () =>
  new DeltaTable<'payments' | 'volume'>({
    table: 'volume_buckets',
    keys: [
      { name: 'granularity', type: 'text' }, { name: 'bucket_start', type: 'timestamptz' },
      { name: 'provider', type: 'text' }, { name: 'currency', type: 'text' },
    ],
    counters: ['payments', 'volume'],
    counterTypes: { volume: 'numeric' },
  });

/** Start of the UTC hour or day containing `at`, as ISO. */
export function bucketStart(at: Date, granularity: Granularity): string {
  const d = new Date(at.getTime());
  d.setUTCMinutes(0, 0, 0);
  if (granularity === 'day') d.setUTCHours(0);
  return d.toISOString();
}
