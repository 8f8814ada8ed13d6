import { DeltaTable } from '../sql/delta-table';

export const healthDeltas = () =>
  new DeltaTable<'succeeded' | 'failed' | 'processing_time_sum_ms' | 'processing_count' | 'fraud_flags'>({
    table: 'health_windows',
    keys: [{ name: 'minute_start', type: 'timestamptz' }, { name: 'provider', type: 'text' }],
    counters: ['succeeded', 'failed', 'processing_time_sum_ms', 'processing_count', 'fraud_flags'],
    counterTypes: { processing_time_sum_ms: 'numeric' },
  });

export function minuteStart(at: Date): string {
  const d = new Date(at.getTime());
  d.setUTCSeconds(0, 0);
  return d.toISOString();
}
