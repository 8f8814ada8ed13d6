import type { CounterProjection } from '../ledger/payment-change';

/**
 * Payments per (provider, currency) and amount bucket: the amount rounded down to 3 significant digits
 * (amounts below 1,000 minor units are their own bucket). `fraud.suspicious` ("amount above the currency's
 * threshold") sums the buckets wholly above the threshold and counts only the one bucket holding the
 * threshold in `payments` (a range of at most 0.1 %–1 % of the amounts around it): exact for any threshold,
 * so changing SUSPICIOUS_AMOUNTS still needs no rebuild, and no longer a scan of every payment above it.
 */
export const amountCountsProjection: CounterProjection<'payments'> = {
  table: {
    table: 'amount_counts',
    keys: [
      { name: 'provider', type: 'text' },
      { name: 'currency', type: 'text' },
      { name: 'amount_floor', type: 'bigint' },
    ],
    counters: ['payments'],
  },
  project({ before, after }, add) {
    const floor = amountFloor(after.amount);
    if (before && before.provider === after.provider && before.currency === after.currency && amountFloor(before.amount) === floor) return;
    if (before) add([before.provider, before.currency, amountFloor(before.amount)], { payments: -1 });
    add([after.provider, after.currency, floor], { payments: 1 });
  },
};

/** Width of the bucket holding `amount` (a non-negative safe integer): 1 below 1,000, then 10^(digits − 3). */
export function amountBucketWidth(amount: number): number {
  return 10 ** Math.max(0, String(Math.trunc(amount)).length - 3);
}

/** Start of the bucket holding `amount`: rounded down to 3 significant digits, in integer arithmetic. */
export function amountFloor(amount: number): number {
  return amount - (amount % amountBucketWidth(amount));
}
