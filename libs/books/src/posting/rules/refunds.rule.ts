import type { PaymentEvent } from '@ledger/payments-domain';
import { accounts } from '../../accounts';
import type { BooksPaymentState } from '../payment-state';
import { move, type PostingRule } from '../posting-rule';

type RefundEvent = Extract<PaymentEvent, { type: 'PaymentRefunded' | 'PaymentRefundReported' | 'PaymentRefundReversed' }>;

/**
 * A refund counted debits `revenue:refunds` and credits `provider:<p>`; a reversal the other way. The amount is
 * exactly what the read models count: the move of the payment's refunded total (`totalRefunded`, which the domain's
 * refund ledger keeps counting each refund once whichever channel reported it), never the event's own amount.
 */
export const refundRule: PostingRule<RefundEvent, BooksPaymentState> = {
  name: 'refund',
  eventTypes: ['PaymentRefunded', 'PaymentRefundReported', 'PaymentRefundReversed'],
  post: (event, state) =>
    move(event.data.totalRefunded - state.refunded, event.data.currency, accounts.refunds, accounts.provider(state.provider)),
};
