import type { PaymentEvent } from '@ledger/payments-domain';
import { accounts } from '../../accounts';
import type { BooksPaymentState } from '../payment-state';
import { move, type PostingRule } from '../posting-rule';

type Succeeded = Extract<PaymentEvent, { type: 'PaymentSucceeded' }>;

/** A success debits `provider:<p>` and credits `revenue:sales` with the captured amount, in the currency captured. */
export const paymentSucceededRule: PostingRule<Succeeded, BooksPaymentState> = {
  name: 'payment succeeded',
  eventTypes: ['PaymentSucceeded'],
  post: (event, state) => move(event.data.amount, event.data.currency, accounts.provider(state.provider), accounts.sales),
};
