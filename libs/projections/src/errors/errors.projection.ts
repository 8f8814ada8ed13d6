import type { CounterProjection } from '../ledger/payment-change';

/** Failed payments per (provider, currency, error code). */
export const errorsProjection: CounterProjection<'failures'> = {
  table: {
    table: 'error_counts',
    keys: [
      { name: 'provider', type: 'text' },
      { name: 'currency', type: 'text' },
      { name: 'error_code', type: 'text' },
    ],
    counters: ['failures'],
  },
  project({ event, after }, add) {
    if (event.type === 'PaymentFailed') add([after.provider, after.currency, event.data.errorCode], { failures: 1 });
  },
};
