import { randomUUID } from 'node:crypto';
import { decide, foldPayment, paymentStreamId, type PaymentCommand, type PaymentEvent, type Provider } from '@ledger/payments-domain';
import type { EventStore } from '@ledger/event-store';

const CURRENCIES = ['USD', 'EUR', 'JPY', 'KWD', 'NGN'] as const;
const ERROR_CODES = ['card_declined', 'insufficient_funds', 'expired_card', 'processing_error'];
type Step = (id: string, now: Date, amount: number) => PaymentCommand | undefined;

/** A small deterministic PRNG so a failing seed can be replayed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every lifecycle path as a list of commands; decide() turns each into events, so every sequence is valid. */
function plan(random: () => number, id: string, provider: Provider, currency: string, amount: number, truth: Truth): Step[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const ms = () => (random() < 0.5 ? Math.floor(random() * 9000) : undefined);
  const steps: Step[] = [
    (pid, now) => ({
      type: 'CreatePayment',
      now,
      data: { paymentId: pid, provider, amount, currency, customerId: random() < 0.7 ? `cus_${Math.floor(random() * 50)}` : undefined },
    }),
  ];
  const fraud: Step = (pid, now) => ({
    type: 'FlagFraud',
    now,
    data: { paymentId: pid, reason: 'velocity', score: Math.floor(random() * 100) },
  });
  if (random() < 0.1) steps.push(fraud);
  const path = random();
  if (path < 0.1) return steps;
  steps.push((pid, now) => ({ type: 'StartProcessing', now, data: { paymentId: pid } }));
  if (path < 0.2) return steps;
  if (path < 0.45) {
    steps.push((pid, now) => ({
      type: 'MarkPaymentFailed',
      now,
      data: { paymentId: pid, errorCode: pick(ERROR_CODES), processingTimeMs: ms() },
    }));
    if (random() < 0.2) steps.push(fraud);
    return steps;
  }
  // Provider time of the success: refund and dispute reports are dated from it, whenever they are delivered.
  let t0 = 0;
  steps.push((pid, now) => {
    t0 = now.getTime();
    return { type: 'MarkPaymentSucceeded', now, data: { paymentId: pid, providerPaymentId: `pp_${pid}`, processingTimeMs: ms() } };
  });
  steps.push(...refundReports(random, amount, truth, () => t0));
  if (random() < 0.15) {
    steps.push((pid, now) => ({ type: 'OpenDispute', now, data: { paymentId: pid, disputeId: `dp_${pid}`, reason: 'fraudulent' } }));
    truth.disputedOpen = amount;
    if (random() < 0.7) {
      const outcome = pick(['won', 'lost', 'warning_closed'] as const);
      truth.disputedOpen = 0;
      truth.disputeLosses = outcome === 'lost' ? amount : 0;
      steps.push((pid, now) => ({ type: 'CloseDispute', now, data: { paymentId: pid, disputeId: `dp_${pid}`, outcome } }));
    }
  }
  if (random() < 0.1) steps.push(fraud);
  return steps;
}

/** What really happened to a payment's money, known to the workload and to nothing it checks. */
export interface Truth {
  refunded: number;
  disputedOpen: number;
  disputeLosses: number;
}

/**
 * 0–3 real refunds (some fail later), each reported the ways the channels do: through the API with the
 * provider's id (sometimes), by the provider alone, by a cumulative total as of its creation, and a
 * failure; delivered shuffled, some twice.
 */
function refundReports(random: () => number, amount: number, truth: Truth, t0: () => number): Step[] {
  const count = random() < 0.45 ? 1 + Math.floor(random() * 3) : 0;
  const refunds: { id: string; amount: number; at: number; failedAt?: number; viaApi: boolean }[] = [];
  let left = amount;
  for (let i = 0; i < count && left > 0; i++) {
    const part = i === count - 1 && random() < 0.5 ? left : 1 + Math.floor(random() * left);
    left -= part;
    const at = (i + 1) * 60_000 + Math.floor(random() * 30_000);
    const failedAt = random() < 0.2 ? at + 5_000 + Math.floor(random() * 120_000) : undefined;
    refunds.push({ id: `re_${i}`, amount: part, at, failedAt, viaApi: random() < 0.4 });
  }
  truth.refunded = refunds.filter((r) => r.failedAt === undefined).reduce((sum, r) => sum + r.amount, 0);
  const alive = (t: number) =>
    refunds.filter((r) => r.at <= t && (r.failedAt === undefined || r.failedAt > t)).reduce((sum, r) => sum + r.amount, 0);
  const reports: Step[] = [];
  for (const r of refunds) {
    const at = () => new Date(t0() + r.at);
    const data = (pid: string) => ({ paymentId: pid, providerRefundId: r.id, amount: r.amount });
    if (r.viaApi) reports.push((pid) => ({ type: 'RefundPayment', now: at(), data: { ...data(pid), refundId: `api_${r.id}` } }));
    reports.push((pid) => ({ type: 'RefundPayment', now: at(), data: { ...data(pid), refundId: r.id } }));
    reports.push((pid) => ({ type: 'ReportRefundTotal', now: at(), data: { paymentId: pid, reportedTotal: alive(r.at) } }));
    const failedAt = r.failedAt;
    if (failedAt !== undefined) {
      reports.push((pid) => ({ type: 'ReverseRefund', now: new Date(t0() + failedAt), data: { ...data(pid), refundId: r.id } }));
    }
  }
  for (let i = reports.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [reports[i], reports[j]] = [reports[j], reports[i]];
  }
  if (reports.length > 0 && random() < 0.5) reports.push(reports[Math.floor(random() * reports.length)]);
  return reports;
}

export interface WorkloadOptions {
  readonly payments: number;
  readonly seed: number;
  readonly start?: Date;
  /** Appends in flight at once (different streams), so commits land out of sequence order. */
  readonly concurrency?: number;
  /** Filled with what really happened to each payment's money, by payment id. */
  readonly truth?: Map<string, Truth>;
}

/** Appends a random but valid workload, interleaving payments, each event its own append. */
export async function appendWorkload(store: EventStore, options: WorkloadOptions): Promise<number> {
  const random = rng(options.seed);
  const start = (options.start ?? new Date('2025-11-20T00:00:00Z')).getTime();
  const payments = Array.from({ length: options.payments }, () => {
    const id = randomUUID();
    const currency = CURRENCIES[Math.floor(random() * CURRENCIES.length)];
    const amount = random() < 0.1 ? 100_000 + Math.floor(random() * 1_000_000) : 1 + Math.floor(random() * 99_999);
    const provider: Provider = random() < 0.5 ? 'stripe' : 'paystack';
    const truth: Truth = { refunded: 0, disputedOpen: 0, disputeLosses: 0 };
    options.truth?.set(id, truth);
    return {
      id,
      steps: plan(random, id, provider, currency, amount, truth),
      done: 0,
      history: [] as PaymentEvent[],
      clock: start + Math.floor(random() * 3 * 86_400_000),
    };
  });
  let appended = 0;
  const active = new Set(payments);
  const worker = async () => {
    while (active.size > 0) {
      const candidates = [...active].filter((p) => !(p as { busy?: boolean }).busy);
      if (candidates.length === 0) return;
      const p = candidates[Math.floor(random() * candidates.length)] as (typeof payments)[number] & { busy?: boolean };
      p.busy = true;
      p.clock += Math.floor(random() * 120_000);
      const command = p.steps[p.done](p.id, new Date(p.clock), 0) as PaymentCommand;
      const events = decide(command, foldPayment(p.history));
      if (events.length === 0) {
        // A report of what the ledger already holds: nothing to append.
        p.done += 1;
        p.busy = false;
        if (p.done === p.steps.length) active.delete(p);
        continue;
      }
      const metadata = {
        correlationId: randomUUID(),
        actor: random() < 0.5 ? 'key_1' : 'webhook:stripe',
        schemaVersion: 1,
        occurredAt: command.now.toISOString(),
      };
      await store.appendToStream(
        paymentStreamId(p.id),
        events.map((e) => ({ type: e.type, data: e.data, metadata })),
        p.done === 0 ? 'no_stream' : BigInt(p.history.length - 1),
      );
      p.history.push(...events);
      appended += events.length;
      p.done += 1;
      p.busy = false;
      if (p.done === p.steps.length) active.delete(p);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return appended;
}
