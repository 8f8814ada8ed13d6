import type { PostingLine } from './posting-rule';

/**
 * What the reconciliation projection decided the books must post (fees, FX, suspense, payouts: CONTRACT.md › Books,
 * "Fees, payouts and FX come with reconciliation"), one event per event that caused it, on its own stream
 * `payout-posted-<causing event id>`. The books journal it as one entry; they do not decide it again.
 */
export const RECONCILIATION_POSTED = 'ReconciliationPosted';
export const POSTED_STREAM_PREFIX = 'payout-posted-';

export const POSTED_REASONS = ['line', 'late_fact', 'resolution', 'payout_paid', 'payout_failed', 'correction'] as const;
export type PostedReason = (typeof POSTED_REASONS)[number];

export interface ReconciliationPostedData {
  readonly provider: string;
  /** The event (a payout's lines, a payment's fact, a resolution, a payout's status, a correction) that caused it. */
  readonly causedBy: string;
  readonly reason: PostedReason;
  readonly payoutId?: string;
  readonly lineId?: string;
  readonly breakId?: string;
  readonly paymentId?: string;
  /** When it takes effect (the entry's occurredAt): the payout's cut-off, the fact's or the resolution's time. */
  readonly effectiveAt: string;
  /** Balanced per currency, integer minor units. */
  readonly lines: readonly PostingLine[];
}

export function postedStreamId(causingEventId: string): string {
  return `${POSTED_STREAM_PREFIX}${causingEventId}`;
}

/**
 * The payout streams' other events (imports, statuses, resolutions): the reconciliation projection reads them and
 * posts what they move as ReconciliationPosted; the books journal nothing for them. Any other type stops the books.
 */
export const RECONCILIATION_INPUT_TYPES: readonly string[] = [
  'PayoutReported',
  'PayoutCorrected',
  'PayoutLinesReported',
  'PayoutStatusReported',
  'ReconciliationBreakResolved',
];
