import type { PaymentEvent } from '@ledger/payments-domain';
import type { BooksPaymentState } from './payment-state';
import { assertBalanced, type PostingLine, type PostingRule } from './posting-rule';
import { disputeClosedRule, disputeOpenedRule } from './rules/disputes.rule';
import { mismatchHeldRule, mismatchReviewedRule } from './rules/mismatches.rule';
import { paymentSucceededRule } from './rules/payments.rule';
import { refundRule } from './rules/refunds.rule';

type AnyPaymentRule = PostingRule<PaymentEvent, BooksPaymentState>;

/** Every rule over payment events. A payment event no rule names (created, processing, failures, fraud flags…) posts nothing. */
export const PAYMENT_POSTING_RULES: readonly AnyPaymentRule[] = [
  paymentSucceededRule,
  refundRule,
  disputeOpenedRule,
  disputeClosedRule,
  mismatchHeldRule,
  mismatchReviewedRule,
];

const byType = new Map<string, AnyPaymentRule>();
for (const rule of PAYMENT_POSTING_RULES) {
  for (const type of rule.eventTypes) {
    if (byType.has(type)) throw new Error(`two posting rules for ${type}`);
    byType.set(type, rule);
  }
}

export interface Posting {
  /** The rule's name: the entry's memo. */
  readonly memo: string;
  readonly lines: readonly PostingLine[];
}

/** The entry one payment event posts (given the books' state of its payment before it), or undefined when it posts nothing. */
export function postPaymentEvent(event: PaymentEvent, state: BooksPaymentState | undefined): Posting | undefined {
  const rule = byType.get(event.type);
  if (!rule) return undefined;
  if (!state) throw new Error(`${event.type} for a payment the books never saw created`);
  const lines = rule.post(event, state);
  if (lines.length === 0) return undefined;
  assertBalanced(rule.name, lines);
  return { memo: memoOf(rule, event, state), lines };
}

function memoOf(rule: AnyPaymentRule, event: PaymentEvent, state: BooksPaymentState): string {
  if (event.type === 'PaymentDisputeClosed') return `dispute ${event.data.outcome}`;
  if (rule === (refundRule as unknown) && 'totalRefunded' in event.data && event.data.totalRefunded < state.refunded)
    return 'refund reversed';
  return rule.name;
}
