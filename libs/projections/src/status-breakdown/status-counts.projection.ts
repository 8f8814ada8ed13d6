import type { CounterProjection } from '../ledger/payment-change';

/** Payments now in each status per (provider, currency): a change of status moves one payment between rows. */
export const statusCountsProjection: CounterProjection<'payments'> = {
  table: {
    table: 'status_counts',
    keys: [
      { name: 'provider', type: 'text' },
      { name: 'currency', type: 'text' },
      { name: 'status', type: 'text' },
    ],
    counters: ['payments'],
  },
  project({ before, after }, add) {
    if (before?.status === after.status) return;
    if (before) add([before.provider, before.currency, before.status], { payments: -1 });
    add([after.provider, after.currency, after.status], { payments: 1 });
  },
};
