import type { CounterProjection } from '../ledger/payment-change';

type HealthCounter = 'succeeded' | 'failed' | 'processing_time_sum_ms' | 'processing_count' | 'fraud_flags';

/** Per UTC minute and provider, by the time each event carries: what the health criteria read. */
export const healthProjection: CounterProjection<HealthCounter> = {
  table: {
    table: 'health_windows',
    keys: [
      { name: 'minute_start', type: 'timestamptz' },
      { name: 'provider', type: 'text' },
    ],
    counters: ['succeeded', 'failed', 'processing_time_sum_ms', 'processing_count', 'fraud_flags'],
    counterTypes: { processing_time_sum_ms: 'numeric' },
  },
  project({ event, after }, add) {
    const ms = after.processingTimeMs as number;
    switch (event.type) {
      case 'PaymentSucceeded':
        return add([minuteStart(after.succeededAt as Date), after.provider], {
          succeeded: 1,
          processing_time_sum_ms: ms,
          processing_count: 1,
        });
      case 'PaymentFailed':
        return add([minuteStart(after.failedAt as Date), after.provider], { failed: 1, processing_time_sum_ms: ms, processing_count: 1 });
      case 'PaymentAttemptFailed':
        // The failure rate counts attempts; an attempt decides nothing, so it adds no processing time.
        return add([minuteStart(after.failedAt as Date), after.provider], { failed: 1 });
      case 'PaymentFraudFlagged':
        // A velocity flag (the process manager's, with its rule) counts in fraud.attempts but not in health:
        // a card-testing burst is the fraud team's, not a sick system (CONTRACT.md › "Fraud velocity").
        if (event.data.rule !== undefined) return;
        return add([minuteStart(after.updatedAt), after.provider], { fraud_flags: 1 });
    }
  },
};

export function minuteStart(at: Date): string {
  const d = new Date(at.getTime());
  d.setUTCSeconds(0, 0);
  return d.toISOString();
}
