import type { CounterProjection } from '../ledger/payment-change';

export type Granularity = 'minute' | 'hour' | 'day';

const GRANULARITIES: readonly Granularity[] = ['minute', 'hour', 'day'];

/**
 * Succeeded payments and their amounts per UTC minute, hour and day they succeeded in, per currency (never
 * summed across currencies), and per provider unless `byProvider` is false. Minute buckets are kept for the
 * whole history like the others (so the live table, a rebuild and `ledger audit verify` hold the same rows
 * whenever they are compared); the dashboard serves only the last 24 hours of them (volume.query.ts).
 */
function volumeCounters(table: string, byProvider: boolean): CounterProjection<'payments' | 'volume'> {
  return {
    table: {
      table,
      keys: [
        { name: 'granularity', type: 'text' },
        { name: 'bucket_start', type: 'timestamptz' },
        ...(byProvider ? [{ name: 'provider', type: 'text' as const }] : []),
        { name: 'currency', type: 'text' },
      ],
      counters: ['payments', 'volume'],
      counterTypes: { volume: 'numeric' },
    },
    project({ event, after }, add) {
      if (event.type !== 'PaymentSucceeded') return;
      const at = after.succeededAt as Date;
      const provider = byProvider ? [after.provider] : [];
      for (const g of GRANULARITIES) add([g, bucketStart(at, g), ...provider, after.currency], { payments: 1, volume: event.data.amount });
    },
  };
}

/** Per provider and currency (`volume_buckets`). */
export const volumeProjection = volumeCounters('volume_buckets', true);

/**
 * The same buckets with the providers added together (`volume_totals`), so the dashboard's volume over time
 * without a provider filter reads its rows in order instead of summing and sorting `volume_buckets` per request.
 */
export const volumeTotalsProjection = volumeCounters('volume_totals', false);

/** Start of the UTC minute, hour or day containing `at`, as ISO. */
export function bucketStart(at: Date, granularity: Granularity): string {
  const d = new Date(at.getTime());
  d.setUTCSeconds(0, 0);
  if (granularity !== 'minute') d.setUTCMinutes(0);
  if (granularity === 'day') d.setUTCHours(0);
  return d.toISOString();
}
