import type { CounterProjection } from '../ledger/payment-change';

/** Failed attempts per (provider, currency, error code): the API's failures and each attempt a provider reported failed. */
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
    if (event.type === 'PaymentFailed' || event.type === 'PaymentAttemptFailed')
      add([after.provider, after.currency, event.data.errorCode], { failures: 1 });
  },
};
