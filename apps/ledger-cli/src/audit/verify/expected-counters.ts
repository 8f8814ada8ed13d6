import type { PaymentFacts } from './payment-facts';

export interface CounterSpec {
  readonly table: string;
  readonly keys: readonly string[];
  readonly counters: readonly string[];
}

export const COUNTER_TABLES: readonly CounterSpec[] = [
  {
    table: 'payment_metrics',
    keys: ['provider', 'currency'],
    counters: [
      'payments_created',
      'payments_succeeded',
      'payments_failed',
      'payments_refunded',
      'payments_disputed',
      'volume_created',
      'volume_succeeded',
      'volume_refunded',
      'processing_time_sum_ms',
      'processing_time_count',
      'fraud_flags',
      'volume_disputed',
      'volume_dispute_losses',
    ],
  },
  { table: 'status_counts', keys: ['provider', 'currency', 'status'], counters: ['payments'] },
  { table: 'volume_buckets', keys: ['granularity', 'bucket_start', 'provider', 'currency'], counters: ['payments', 'volume'] },
  { table: 'volume_totals', keys: ['granularity', 'bucket_start', 'currency'], counters: ['payments', 'volume'] },
  { table: 'error_counts', keys: ['provider', 'currency', 'error_code'], counters: ['failures'] },
  {
    table: 'health_windows',
    keys: ['minute_start', 'provider'],
    counters: ['succeeded', 'failed', 'processing_time_sum_ms', 'processing_count', 'fraud_flags'],
  },
  { table: 'amount_counts', keys: ['provider', 'currency', 'amount_floor'], counters: ['payments'] },
];

/** A counter row's key cells joined into one string (the map key of `Counters.rows`), and back. */
export const counterRowId = (key: readonly (string | null)[]): string => key.join('\u0000');
export const counterRowKey = (id: string): string[] => id.split('\u0000');

/** A counter's exact value: a number while it is a safe integer, a bigint beyond. */
export type Count = number | bigint;

/**
 * Expected rows of one counter table, by `counterRowId`. Sums stay exact to the minor unit: a counter is a
 * number while the sum is a safe integer and becomes a bigint past 2^53 (the sum is then redone in bigint from
 * exact operands). Numbers, not bigints, because verify holds one row per minute and provider of the whole
 * history (health_windows): a small integer sits inside its row, where every bigint was an object of its own,
 * and each addition allocated another. A row is a plain object, not a Map, for the same reason.
 */
export class Counters {
  readonly rows = new Map<string, Record<string, Count>>();

  add(key: readonly string[], deltas: Record<string, Count>): void {
    const id = counterRowId(key);
    let row = this.rows.get(id);
    if (!row) this.rows.set(id, (row = {}));
    for (const column in deltas) row[column] = addExact(row[column] ?? 0, deltas[column]);
  }
}

export function addExact(a: Count, b: Count): Count {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  return BigInt(a) + BigInt(b);
}

const HOUR = 3_600_000;
const DAY = 86_400_000;
const MINUTE = 60_000;
const VOLUME_BUCKETS = [
  ['minute', MINUTE],
  ['hour', HOUR],
  ['day', DAY],
] as const;
const floorIso = (ms: number, unit: number) => new Date(Math.floor(ms / unit) * unit).toISOString();
/** The amount's first 3 significant digits followed by zeros (an amount below 1,000 stays itself), by digits. */
const threeDigits = (amount: number) => {
  const digits = BigInt(amount).toString();
  return digits.length <= 3 ? digits : digits.slice(0, 3) + '0'.repeat(digits.length - 3);
};

/**
 * Every counter read model, aggregated from the final per-payment facts, one finished payment at a time (the
 * projector adds deltas event by event instead: two roads to the same numbers); what verify holds is the
 * counter rows, not the payments. Fraud flags carry their own times, so the fold counts them per minute itself.
 */
export class ExpectedCounters {
  readonly tables: Map<string, Counters>;

  constructor(fraudMinutes: Counters) {
    this.tables = new Map(COUNTER_TABLES.map((spec) => [spec.table, new Counters()]));
    this.tables.set('health_windows', fraudMinutes);
  }

  add(p: PaymentFacts): void {
    const get = (table: string) => this.tables.get(table) as Counters;
    const key = [p.provider, p.currency];
    // Decided: the success, else the API's final failure; a failed attempt decides nothing.
    const decided = p.succeededAt ?? p.finalFailedAt;
    const failedNow = p.failedAt !== null && p.succeededAt === null;
    get('payment_metrics').add(key, {
      payments_created: 1,
      volume_created: p.amount,
      payments_succeeded: p.succeededAt !== null ? 1 : 0,
      volume_succeeded: p.succeededAt !== null ? p.captured : 0,
      payments_failed: failedNow ? 1 : 0,
      payments_refunded: p.refunded > 0 ? 1 : 0,
      volume_refunded: p.refunded,
      payments_disputed: p.disputed ? 1 : 0,
      processing_time_sum_ms: decided !== null ? (p.processingTimeMs ?? 0) : 0,
      processing_time_count: decided !== null ? 1 : 0,
      fraud_flags: p.fraudFlags,
      volume_disputed: p.disputedOpen,
      volume_dispute_losses: p.disputeLosses,
    });
    get('status_counts').add([...key, p.status], { payments: 1 });
    get('amount_counts').add([...key, threeDigits(p.amount)], { payments: 1 });
    if (p.succeededAt !== null) {
      // Every minute of the history too: the dashboard serves only the last 24 hours of them, the table keeps them all.
      for (const [granularity, unit] of VOLUME_BUCKETS) {
        const start = floorIso(p.succeededAt, unit);
        get('volume_buckets').add([granularity, start, ...key], { payments: 1, volume: p.captured });
        get('volume_totals').add([granularity, start, p.currency], { payments: 1, volume: p.captured });
      }
    }
    // Every failed attempt, the API's failures included: the errors table and the health windows' failure rate.
    for (const failure of p.failures) {
      get('error_counts').add([...key, failure.code], { failures: 1 });
      get('health_windows').add([floorIso(failure.at, MINUTE), p.provider], { failed: 1 });
    }
    if (decided !== null) {
      // The decision's processing time (a final failure's failure is counted above, with the attempts).
      get('health_windows').add([floorIso(decided, MINUTE), p.provider], {
        succeeded: p.succeededAt !== null ? 1 : 0,
        processing_time_sum_ms: p.processingTimeMs ?? 0,
        processing_count: 1,
      });
    }
  }
}

export const minuteOf = (ms: number): string => floorIso(ms, MINUTE);
