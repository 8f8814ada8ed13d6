import type { RecordedEvent } from '@ledger/event-store';
import type { Truth } from './workload';

/** The read models recomputed from the raw events with plain loops, independently of the projection code. */
export interface ModelPayment {
  paymentId: string;
  provider: string;
  currency: string;
  amount: number;
  status: string;
  refunded: number;
  disputedOpen: number;
  disputeLosses: number;
  succeeded: boolean;
  failed: boolean;
  disputed: boolean;
  fraudFlags: number;
  /** Failed attempts, the API's failures included. */
  attempts: number;
  /** Mismatches holding the payment in needs_review. */
  holds: number;
  errorCode: string | null;
  created: number;
  processing: number | null;
  decidedMs: number | null;
  succeededAt: number | null;
  failedAt: number | null;
  revision: number;
}

export interface Filter {
  provider?: 'stripe' | 'paystack';
  currency?: string;
}

type D = Record<string, any>;

/**
 * With `truth` (what the workload really did), refunds and disputes come from it and not from the events:
 * the check then covers the domain's reconciliation of every channel as well as the projections.
 */
export function model(
  events: readonly RecordedEvent[],
  truth?: ReadonlyMap<string, Truth>,
): { payments: Map<string, ModelPayment>; fraudFlags: { provider: string; currency: string; at: number }[] } {
  const payments = new Map<string, ModelPayment>();
  const fraudFlags: { provider: string; currency: string; at: number }[] = [];
  for (const e of events) {
    const d = e.data as D;
    const id = e.streamId.replace(/^payment-/, '');
    if (e.type === 'PaymentCreated') {
      payments.set(id, {
        paymentId: id,
        provider: d.provider,
        currency: d.currency,
        amount: d.amount,
        status: 'pending',
        refunded: 0,
        disputedOpen: 0,
        disputeLosses: 0,
        succeeded: false,
        failed: false,
        disputed: false,
        fraudFlags: 0,
        attempts: 0,
        holds: 0,
        errorCode: null,
        created: Date.parse(d.createdAt),
        processing: null,
        decidedMs: null,
        succeededAt: null,
        failedAt: null,
        revision: 0,
      });
      continue;
    }
    const p = payments.get(id)!;
    p.revision = Number(e.revision);
    if (e.type === 'PaymentProcessing') {
      p.status = 'processing';
      p.processing = Date.parse(d.startedAt);
    } else if (e.type === 'PaymentAttemptFailed') {
      // A failed attempt: failed now, not decided (a later success may follow).
      p.status = 'failed';
      p.failed = true;
      p.failedAt = Date.parse(d.failedAt);
      p.errorCode = d.errorCode;
      p.attempts += 1;
    } else if (e.type === 'PaymentProviderMismatch') {
      if (d.holds) p.holds += 1;
    } else if (e.type === 'PaymentMismatchReviewed') {
      p.holds = d.stillOpen;
    } else if (e.type === 'PaymentSucceeded' || e.type === 'PaymentFailed') {
      const at = Date.parse(e.type === 'PaymentSucceeded' ? d.succeededAt : d.failedAt);
      p.decidedMs = typeof d.processingTimeMs === 'number' ? d.processingTimeMs : Math.max(0, at - (p.processing ?? p.created));
      if (e.type === 'PaymentSucceeded') {
        p.status = 'succeeded';
        p.succeeded = true;
        p.failed = false;
        p.succeededAt = at;
      } else {
        p.status = 'failed';
        p.failed = true;
        p.failedAt = at;
        p.errorCode = d.errorCode;
        p.attempts += 1;
      }
    } else if (e.type === 'PaymentRefunded' || e.type === 'PaymentRefundReported' || e.type === 'PaymentRefundReversed') {
      // What each event says it moved; ignored where the workload's truth is given.
      const moved = e.type === 'PaymentRefunded' ? (d.counted ?? d.amount) : d.counted;
      p.refunded += e.type === 'PaymentRefundReversed' ? -moved : moved;
    } else if (e.type === 'PaymentRefundMismatch' || e.type === 'PaymentDisputeLinked') {
      // Moves nothing.
    } else if (e.type === 'PaymentDisputeClosed') {
      p.disputedOpen -= d.amount;
      if (d.outcome === 'lost') p.disputeLosses += d.amount;
    } else if (e.type === 'PaymentFraudFlagged') {
      p.fraudFlags += 1;
      fraudFlags.push({ provider: p.provider, currency: p.currency, at: Date.parse(d.flaggedAt) });
    } else if (e.type === 'PaymentDisputed') {
      p.disputed = true;
      p.disputedOpen += d.amount;
    } else {
      throw new Error(`model: unexpected ${e.type}`);
    }
  }
  for (const p of payments.values()) {
    const real = truth?.get(p.paymentId);
    if (real) Object.assign(p, { refunded: real.refunded, disputedOpen: real.disputedOpen, disputeLosses: real.disputeLosses });
    if (p.succeeded && p.refunded > 0) p.status = p.refunded === p.amount ? 'refunded' : 'partially_refunded';
    if (p.holds > 0) p.status = 'needs_review';
  }
  return { payments, fraudFlags };
}

function matches(p: { provider: string; currency: string }, f: Filter): boolean {
  return (!f.provider || p.provider === f.provider) && (!f.currency || p.currency === f.currency);
}

const pct = (n: number, d: number) => (d === 0 ? 0 : Math.round((n * 10000) / d) / 100);

export function expectedMetrics(
  events: readonly RecordedEvent[],
  f: Filter,
  thresholds: Record<string, number>,
  truth?: ReadonlyMap<string, Truth>,
) {
  const { payments, fraudFlags } = model(events, truth);
  const list = [...payments.values()].filter((p) => matches(p, f));
  const count = (pred: (p: ModelPayment) => boolean) => list.filter(pred).length;
  const succeeded = count((p) => p.succeeded);
  const failed = count((p) => p.failed);
  const refunded = count((p) => p.refunded > 0);
  const currencies = [...new Set(list.map((p) => p.currency))].sort();
  const volumes = currencies.map((currency) => {
    const of = list.filter((p) => p.currency === currency);
    const sum = (pick: (p: ModelPayment) => number) => of.reduce((acc, p) => acc + BigInt(pick(p)), 0n);
    const s = sum((p) => (p.succeeded ? p.amount : 0));
    const r = sum((p) => p.refunded);
    const losses = sum((p) => p.disputeLosses);
    return {
      currency,
      total: sum((p) => p.amount).toString(),
      succeeded: s.toString(),
      refunded: r.toString(),
      disputed: sum((p) => p.disputedOpen).toString(),
      disputeLosses: losses.toString(),
      net: (s - r - losses).toString(),
    };
  });
  const decided = list.filter((p) => p.decidedMs !== null);
  const avg = decided.length === 0 ? null : Math.round((decided.reduce((a, p) => a + p.decidedMs!, 0) / decided.length) * 100) / 100;
  return {
    provider: f.provider ?? null,
    counts: {
      total: list.length,
      pending: count((p) => p.status === 'pending'),
      processing: count((p) => p.status === 'processing'),
      succeeded,
      failed,
      failedAttempts: list.reduce((n, p) => n + p.attempts, 0),
      refunded,
      disputed: count((p) => p.disputed),
      needsReview: count((p) => p.status === 'needs_review'),
    },
    volumes,
    rates: { success: pct(succeeded, succeeded + failed), failure: pct(failed, succeeded + failed), refund: pct(refunded, succeeded) },
    averageProcessingTimeMs: avg,
    fraud: {
      attempts: fraudFlags.filter((x) => matches(x, f)).length,
      suspicious: count((p) => thresholds[p.currency] !== undefined && p.amount > thresholds[p.currency]),
    },
  };
}

export function expectedBreakdown(events: readonly RecordedEvent[], f: Filter, truth?: ReadonlyMap<string, Truth>) {
  const out: Record<string, number> = {
    pending: 0,
    processing: 0,
    succeeded: 0,
    failed: 0,
    partially_refunded: 0,
    refunded: 0,
    needs_review: 0,
  };
  for (const p of model(events, truth).payments.values()) if (matches(p, f)) out[p.status] += 1;
  return out;
}

export function expectedVolume(events: readonly RecordedEvent[], granularity: 'hour' | 'day', f: Filter) {
  const buckets = new Map<string, { bucketStart: string; currency: string; count: number; volume: bigint }>();
  const size = granularity === 'hour' ? 3_600_000 : 86_400_000;
  for (const p of model(events).payments.values()) {
    if (!matches(p, f) || p.succeededAt === null) continue;
    const bucketStart = new Date(Math.floor(p.succeededAt / size) * size).toISOString();
    const key = `${bucketStart}|${p.currency}`;
    const b = buckets.get(key) ?? { bucketStart, currency: p.currency, count: 0, volume: 0n };
    b.count += 1;
    b.volume += BigInt(p.amount);
    buckets.set(key, b);
  }
  return [...buckets.values()]
    .sort((a, b) => (a.bucketStart === b.bucketStart ? (a.currency < b.currency ? -1 : 1) : a.bucketStart < b.bucketStart ? -1 : 1))
    .map((b) => ({ ...b, volume: b.volume.toString() }));
}

export function expectedErrors(events: readonly RecordedEvent[], f: Filter) {
  const counts = new Map<string, number>();
  for (const p of model(events).payments.values())
    if (matches(p, f) && p.errorCode) counts.set(p.errorCode, (counts.get(p.errorCode) ?? 0) + 1);
  return [...counts].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : 1));
}

export function expectedFailed(events: readonly RecordedEvent[], limit: number, f: Filter) {
  return [...model(events).payments.values()]
    .filter((p) => matches(p, f) && p.status === 'failed')
    .sort((a, b) => b.failedAt! - a.failedAt! || (a.paymentId < b.paymentId ? -1 : 1))
    .slice(0, limit)
    .map((p) => ({
      paymentId: p.paymentId,
      provider: p.provider,
      amount: p.amount,
      currency: p.currency,
      errorCode: p.errorCode,
      failedAt: new Date(p.failedAt!).toISOString(),
    }));
}
