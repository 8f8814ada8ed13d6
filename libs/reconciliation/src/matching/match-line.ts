import type { ReportedLine } from '../formats/reported-line';
import type { BreakKind } from '../breaks/break-kinds';
import type { FactLookup, PaymentFact } from './payment-fact';

/**
 * How one line is explained. `matched`: to a ledger fact; `fee`: a provider fee line (booked as a fee, no ledger fact
 * to find); `payout`: the payout's own movement (or its reversal); `break`: not explained, its amount in suspense.
 */
export type LineOutcome =
  | { readonly status: 'matched'; readonly paymentId: string; readonly fact: PaymentFact; readonly fx?: FxSettlement }
  | { readonly status: 'fee' }
  | { readonly status: 'payout' }
  | {
      readonly status: 'break';
      readonly kind: BreakKind;
      readonly paymentId?: string;
      readonly ledgerAmount?: number;
      readonly ledgerCurrency?: string;
    };

/** A line settled in another currency than the charge's: matched on what the customer paid, booked at what settled. */
interface FxSettlement {
  readonly chargeAmount: number;
  readonly chargeCurrency: string;
}

type Rule = (line: ReportedLine, find: FactLookup) => LineOutcome;

const chargeRefs = (line: ReportedLine) => [line.paymentId, line.chargeId, line.paymentIntentId, line.sourceId];

/**
 * The references a line's rule looks up in order when it names a charge (charge, payment, partial capture reversal):
 * the first one found for the line's provider decides, so the ones after it are needed only when it is not found.
 * Undefined for other lines.
 */
export function chargeLookup(line: ReportedLine): string[] | undefined {
  if (line.category !== 'charge' && line.category !== 'payment' && line.category !== 'partial_capture_reversal') return undefined;
  return chargeRefs(line).filter((r): r is string => !!r);
}

/** charge / payment: to the payment by its metadata payment id, charge, intent or Paystack reference. */
const charge: Rule = (line, find) => {
  const fact = find(chargeRefs(line), 'charge');
  if (!fact) return unknown();
  const face = faceValue(line);
  if (face.currency !== fact.currency) return mismatch('currency_mismatch', fact, fact.amount);
  const expected = [fact.amount, fact.authorizedAmount].filter((a): a is number => a !== undefined);
  if (!expected.includes(face.amount)) return mismatch('amount_mismatch', fact, fact.amount);
  return matched(fact, line);
};

/** partial_capture_reversal: the uncaptured rest of an authorisation, netted with its charge. */
const partialCaptureReversal: Rule = (line, find) => {
  const fact = find(chargeRefs(line), 'charge');
  if (!fact) return unknown();
  if (line.currency !== fact.currency) return mismatch('currency_mismatch', fact, fact.amount);
  const released = (fact.authorizedAmount ?? fact.amount) - fact.amount;
  if (-line.gross !== released) return mismatch('amount_mismatch', fact, released);
  return matched(fact, line);
};

/** refund: to the refund by its provider id (the line's source). */
const refund: Rule = (line, find) => negativeOf(line, find(refundRefs(line), 'refund'));
/** refund_failure: a refund the provider could not give back: the refund, reversed in the ledger. */
const refundFailure: Rule = (line, find) => {
  const fact = find(refundRefs(line), 'refund');
  if (!fact || !fact.reversed) return unknown(fact);
  return positiveOf(line, fact);
};
/** dispute: funds withdrawn for a dispute. */
const dispute: Rule = (line, find) => negativeOf(line, find([line.sourceId], 'dispute'));
/** dispute_reversal: the funds back, after a dispute won (or closed without loss). */
const disputeReversal: Rule = (line, find) => {
  const fact = find([line.sourceId], 'dispute');
  if (!fact || fact.outcome === undefined || fact.outcome === 'lost') return unknown(fact);
  return positiveOf(line, fact);
};

const refundRefs = (line: ReportedLine) => [line.sourceId];

/**
 * A rule per reporting category (docs.stripe.com/reports/reporting-categories). Categories that move money for
 * products the ledger does not run (Connect transfers, Issuing, Capital, Climate, top-ups, reserves, tax…) and
 * `other_adjustment` have no ledger fact: their lines wait in suspense as breaks until a person resolves them.
 */
export const CATEGORY_RULES: Readonly<Record<string, Rule>> = {
  charge,
  payment: charge,
  partial_capture_reversal: partialCaptureReversal,
  refund,
  refund_failure: refundFailure,
  dispute,
  dispute_reversal: disputeReversal,
  fee: () => ({ status: 'fee' }),
  network_cost: () => ({ status: 'fee' }),
  payout: () => ({ status: 'payout' }),
  payout_reversal: () => ({ status: 'payout' }),
  payout_failure: () => ({ status: 'payout' }),
  payout_minimum_balance_hold: () => ({ status: 'payout' }),
  payout_minimum_balance_release: () => ({ status: 'payout' }),
  other_adjustment: () => unknown(),
};

/** Categories Stripe documents that the ledger never books itself: suspense, a break each. */
export const SUSPENSE_CATEGORIES = [
  'advance',
  'advance_funding',
  'anticipation_repayment',
  'charge_failure',
  'climate_order_purchase',
  'climate_order_refund',
  'connect_collection_transfer',
  'connect_reserved_funds',
  'contribution',
  'financing_paydown',
  'financing_payout',
  'financing_paydown_reversal',
  'financing_payout_reversal',
  'issuing_authorization_hold',
  'issuing_authorization_release',
  'issuing_dispute',
  'issuing_transaction',
  'obligation',
  'other_adjustment',
  'payment_network_reserve_hold',
  'payment_network_reserve_release',
  'platform_earning',
  'platform_earning_refund',
  'risk_reserved_funds',
  'tax',
  'topup',
  'topup_reversal',
  'transfer',
  'transfer_reversal',
  'unreconciled_customer_funds',
] as const;

export function matchLine(line: ReportedLine, find: FactLookup): LineOutcome {
  const rule = CATEGORY_RULES[line.category] ?? (() => unknown());
  return rule(line, find);
}

function faceValue(line: ReportedLine): { amount: number; currency: string } {
  if (line.customerFacingCurrency && line.customerFacingCurrency !== line.currency && line.customerFacingAmount !== undefined) {
    return { amount: Math.abs(line.customerFacingAmount), currency: line.customerFacingCurrency };
  }
  return { amount: line.gross, currency: line.currency };
}

function negativeOf(line: ReportedLine, fact: PaymentFact | undefined): LineOutcome {
  if (!fact) return unknown();
  const face = faceValue(line);
  if (face.currency !== fact.currency) return mismatch('currency_mismatch', fact, fact.amount);
  if (Math.abs(face.amount) !== fact.amount || line.gross > 0) return mismatch('amount_mismatch', fact, fact.amount);
  return matched(fact, line);
}

function positiveOf(line: ReportedLine, fact: PaymentFact): LineOutcome {
  const face = faceValue(line);
  if (face.currency !== fact.currency) return mismatch('currency_mismatch', fact, fact.amount);
  if (face.amount !== fact.amount) return mismatch('amount_mismatch', fact, fact.amount);
  return matched(fact, line);
}

function matched(fact: PaymentFact, line: ReportedLine): LineOutcome {
  const fx = line.customerFacingCurrency && line.customerFacingCurrency !== line.currency;
  return {
    status: 'matched',
    paymentId: fact.paymentId,
    fact,
    ...(fx ? { fx: { chargeAmount: line.customerFacingAmount ?? 0, chargeCurrency: line.customerFacingCurrency ?? '' } } : {}),
  };
}

function mismatch(kind: 'amount_mismatch' | 'currency_mismatch', fact: PaymentFact, ledgerAmount: number): LineOutcome {
  return { status: 'break', kind, paymentId: fact.paymentId, ledgerAmount, ledgerCurrency: fact.currency };
}

function unknown(fact?: PaymentFact): LineOutcome {
  return { status: 'break', kind: 'unknown_to_ledger', ...(fact ? { paymentId: fact.paymentId } : {}) };
}
