import type { PaymentEvent } from '@ledger/payments-domain';
import { accounts } from '../../accounts';
import { suspendedAmount, type BooksPaymentState } from '../payment-state';
import { move, type PostingRule } from '../posting-rule';

type Mismatch = Extract<PaymentEvent, { type: 'PaymentProviderMismatch' }>;
type Reviewed = Extract<PaymentEvent, { type: 'PaymentMismatchReviewed' }>;

/**
 * A provider amount that holds the payment in `needs_review` waits in suspense in the provider's own currency: a
 * positive amount debits `provider:<p>` (the provider holds it) and credits `suspense:<p>` (the books cannot place
 * it yet); a negative one the other way. The same mismatch reported again posts nothing.
 */
export const mismatchHeldRule: PostingRule<Mismatch, BooksPaymentState> = {
  name: 'provider mismatch held in suspense',
  eventTypes: ['PaymentProviderMismatch'],
  post: (event, state) => {
    const held = suspendedAmount(event);
    if (!held || state.suspense[event.data.mismatchId]) return [];
    return move(held.amount, held.currency, accounts.provider(state.provider), accounts.suspense(state.provider));
  },
};

/**
 * A review settles the mismatch: its suspense is released by the reverse entry (an accepted amount is then booked
 * by the PaymentSucceeded that follows; a refund or write-off leaves the provider's amount out of the books).
 */
export const mismatchReviewedRule: PostingRule<Reviewed, BooksPaymentState> = {
  name: 'provider mismatch reviewed: released from suspense',
  eventTypes: ['PaymentMismatchReviewed'],
  post: (event, state) => {
    const held = state.suspense[event.data.mismatchId];
    if (!held) return [];
    return move(held.amount, held.currency, accounts.suspense(state.provider), accounts.provider(state.provider));
  },
};
