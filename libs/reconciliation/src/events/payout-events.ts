import type { Provider } from '@ledger/payments-domain';
import type { ReconciliationPostedData } from '@ledger/books';
import type { ReportedLine } from '../formats/reported-line';

export const PAYOUT_STREAM_PREFIX = 'payout-';
/** Lines per PayoutLinesReported event: a payout of 100,000 lines is 200 events of bounded size. */
export const LINES_PER_EVENT = 500;

export function payoutStreamId(provider: Provider, payoutId: string): string {
  return `${PAYOUT_STREAM_PREFIX}${provider}-${payoutId}`;
}

/** A resolution is the only event of its own stream, so a break is resolved once (expected revision: no stream). */
export function resolutionStreamId(provider: Provider, breakId: string): string {
  return `${PAYOUT_STREAM_PREFIX}${provider}-resolution-${breakId}`;
}

type Event<Type extends string, Data> = { type: Type; data: Data };

interface PayoutHeader {
  provider: Provider;
  payoutId: string;
  /** SHA-256 of the payout's canonical content: the same payout imported again has the same version. */
  version: string;
  currency: string;
  /** The payout's own amount when the report carries it (Stripe's payout line, Paystack's settlement). */
  amount?: number;
  effectiveAt: string;
  lineCount: number;
  chunks: number;
  importId: string;
  /** Its place among the payouts this import appended (0-based) and their number: the last one closes the import. */
  importIndex: number;
  importSize: number;
  reportedAt: string;
}

/** A payout as first imported; its lines follow in PayoutLinesReported chunks of the same version. */
export type PayoutReported = Event<'PayoutReported', PayoutHeader>;
/** A changed version of an imported payout, beside the original: its lines replace the previous version's. */
export type PayoutCorrected = Event<'PayoutCorrected', PayoutHeader & { previousVersion: string }>;
export type PayoutLinesReported = Event<
  'PayoutLinesReported',
  { provider: Provider; payoutId: string; version: string; chunk: number; lines: ReportedLine[] }
>;

export const PAYOUT_STATUSES = ['created', 'paid', 'failed', 'canceled', 'reconciliation_completed'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

/** A provider's payout webhook (Stripe `payout.*`): the payout's status, amount and arrival date as it reported them. */
export type PayoutStatusReported = Event<
  'PayoutStatusReported',
  {
    provider: Provider;
    payoutId: string;
    status: PayoutStatus;
    amount: number;
    currency: string;
    arrivalDate?: string;
    providerEventId: string;
    failureCode?: string;
    reportedAt: string;
  }
>;

/** A person moved a break's suspense amount to an account and closed it. */
export type ReconciliationBreakResolved = Event<
  'ReconciliationBreakResolved',
  { provider: Provider; breakId: string; account: string; note: string; actor: string; resolvedAt: string }
>;

/**
 * What the books must post for one event the reconciliation projection applied (fees, FX, suspense, payouts), alone on
 * `payout-posted-<causing event id>` (`postedStreamId` of @ledger/books), appended by the projection with expected
 * revision no_stream: a re-run appends nothing. The projection reads it back (prefix 'pay') and ignores it.
 */
export type ReconciliationPosted = Event<'ReconciliationPosted', ReconciliationPostedData>;

/** The events the reconciliation projection matches from (its own ReconciliationPosted are not among them). */
export type PayoutEvent = PayoutReported | PayoutCorrected | PayoutLinesReported | PayoutStatusReported | ReconciliationBreakResolved;
export type PayoutEventType = PayoutEvent['type'];
export const PAYOUT_EVENT_TYPES = [
  'PayoutReported',
  'PayoutCorrected',
  'PayoutLinesReported',
  'PayoutStatusReported',
  'ReconciliationBreakResolved',
] as const satisfies readonly PayoutEventType[];

export function isPayoutEventType(type: string): type is PayoutEventType {
  return (PAYOUT_EVENT_TYPES as readonly string[]).includes(type);
}
