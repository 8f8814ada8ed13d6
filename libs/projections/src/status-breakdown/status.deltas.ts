import { DeltaTable } from '../sql/delta-table';

export const statusDeltas = () =>
  new DeltaTable<'payments'>({
    table: 'status_counts',
    keys: [{ name: 'provider', type: 'text' }, { name: 'currency', type: 'text' }, { name: 'status', type: 'text' }],
    counters: ['payments'],
  });
