import type { PaymentEvent } from '@ledger/payments-domain';
import { accounts } from '../../accounts';
import type { BooksPaymentState } from '../payment-state';
import { move, type PostingRule } from '../posting-rule';

type Disputed = Extract<PaymentEvent, { type: 'PaymentDisputed' }>;
type Closed = Extract<PaymentEvent, { type: 'PaymentDisputeClosed' }>;

/** Funds withdrawn for a dispute move from `provider:<p>` to `provider:<p>:disputed`; an inquiry withdrawing nothing posts nothing. */
export const disputeOpenedRule: PostingRule<Disputed, BooksPaymentState> = {
  name: 'dispute funds withdrawn',
  eventTypes: ['PaymentDisputed'],
  post: (event, state) =>
    move(event.data.amount, event.data.currency, accounts.providerDisputed(state.provider), accounts.provider(state.provider)),
};

/** Lost: the withdrawn funds become `expense:dispute_losses`; won, `warning_closed` or `prevented`: they return to `provider:<p>`. */
export const disputeClosedRule: PostingRule<Closed, BooksPaymentState> = {
  name: 'dispute closed',
  eventTypes: ['PaymentDisputeClosed'],
  post: (event, state) => {
    const { amount, currency, outcome } = event.data;
    const to = outcome === 'lost' ? accounts.disputeLosses : accounts.provider(state.provider);
    return move(amount, currency, to, accounts.providerDisputed(state.provider));
  },
};
