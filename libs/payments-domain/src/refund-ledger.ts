/**
 * How refunds reported through several channels are counted once.
 *
 * A refund is named by the provider's refund id (else our own refund id). The
 * refunded total is max(S, C − F): S the sum of the named refunds still alive,
 * C the largest cumulative total a provider has reported, F the sum of the
 * refunds reversed since. Whatever the order, repetition or channel of the
 * reports, the total never counts a named refund twice, an amount a
 * cumulative report proved is counted once and later attributed to the refund
 * that names it (never matched on amount alone: the attribution is of a total,
 * not of a refund), and once every refund has been named it is S exactly.
 */
export interface RefundEntry {
  readonly amount: number;
  /** Known by the provider's id. An API refund recorded without it may be the same as one the provider reports. */
  readonly confirmed: boolean;
  /** When it happened (ms): a cumulative report as of an earlier time cannot have included it. */
  readonly at: number;
  readonly reversed: boolean;
}

export interface RefundLedger {
  readonly entries: Readonly<Record<string, RefundEntry>>;
  /** S: named refunds still alive. */
  readonly named: number;
  /** C: the largest cumulative total reported. */
  readonly reportedMax: number;
  /** F: amounts of named refunds reversed. */
  readonly reversed: number;
}

export const emptyRefundLedger = (): RefundLedger => ({ entries: {}, named: 0, reportedMax: 0, reversed: 0 });

export function refundedTotal(ledger: RefundLedger): number {
  return Math.max(ledger.named, ledger.reportedMax - ledger.reversed);
}

export function withRefund(ledger: RefundLedger, key: string, amount: number, at: number, confirmed: boolean): RefundLedger {
  const entries = { ...ledger.entries, [key]: { amount, at, confirmed, reversed: false } };
  return { ...ledger, entries, named: ledger.named + amount };
}

export function withReport(ledger: RefundLedger, reportedTotal: number): RefundLedger {
  return { ...ledger, reportedMax: Math.max(ledger.reportedMax, reportedTotal) };
}

/**
 * A reversed refund never counts again, also when its own report arrives
 * later. Its amount joins F either way: a cumulative report made while it was
 * pending included it, whether or not we had named it yet.
 */
export function withReversal(ledger: RefundLedger, key: string, amount: number, at: number): RefundLedger {
  const entry = ledger.entries[key];
  if (entry?.reversed) return ledger;
  const entries = { ...ledger.entries, [key]: { amount: entry?.amount ?? amount, at: entry?.at ?? at, confirmed: true, reversed: true } };
  const named = entry ? ledger.named - entry.amount : ledger.named;
  return { ...ledger, entries, named, reversed: ledger.reversed + (entry?.amount ?? amount) };
}

/**
 * The named refunds alive at `at`, when a cumulative report made then says less than they add up to and an
 * unconfirmed refund is among them: the same refund was probably recorded twice, once without the provider's
 * id. Confirmed refunds alone never make a mismatch: one the report leaves out has failed, and its reversal
 * is on its way.
 */
export function mismatchAsOf(ledger: RefundLedger, at: number, reportedTotal: number): number | undefined {
  let sum = 0;
  let unconfirmed = false;
  for (const entry of Object.values(ledger.entries)) {
    // A provider's report is dated to the whole second (Stripe's `created`): what we recorded within that second
    // may be in it, though our millisecond time sorts after it.
    if (entry.reversed || entry.at > Math.floor(at / 1000) * 1000 + 999) continue;
    sum += entry.amount;
    unconfirmed ||= !entry.confirmed;
  }
  return unconfirmed && reportedTotal < sum ? sum : undefined;
}

const OUR_OWN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A refund is confirmed when the provider's id names it; only the API mints UUID refund ids of its own. */
export function isConfirmedRefund(refundId: string, providerRefundId?: string): boolean {
  return providerRefundId !== undefined || !OUR_OWN_ID.test(refundId);
}
