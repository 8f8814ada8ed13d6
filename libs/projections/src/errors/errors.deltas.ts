import { DeltaTable } from '../sql/delta-table';

export const errorDeltas = () =>
  new DeltaTable<'failures'>({
    table: 'error_counts',
    keys: [{ name: 'provider', type: 'text' }, { name: 'currency', type: 'text' }, { name: 'error_code', type: 'text' }],
    counters: ['failures'],
  });
