import {
  ChargeDisputedError,
  InvalidStateTransitionError,
  PaymentAlreadyDisputedError,
  PaymentAlreadyExistsError,
  RefundExceedsCapturedError,
} from './errors';
import type { PaymentEvent } from './events';
import { AMOUNT, AT, PAYMENT_ID, commands, events, histories } from './testing/fixtures';
import { given } from './testing/given';

describe('Payment', () => {
  describe('when failed', () => {
    const history = histories.failed();

    it('accepts a fraud flag', () => {
      given(history).when(commands.flagFraud()).then([events.fraudFlagged()]);
    });

    it('refuses to be created again', () => {
      given(history).when(commands.create()).thenThrows(PaymentAlreadyExistsError);
    });

    it.each([
      ['StartProcessing', commands.startProcessing()],
      ['MarkPaymentSucceeded', commands.markSucceeded()],
      ['MarkPaymentFailed', commands.markFailed()],
      ['RefundPayment', commands.refund(100)],
      ['OpenDispute', commands.openDispute()],
    ])('refuses %s', (type, command) => {
      given(history).when(command).thenThrows(InvalidStateTransitionError, { from: 'failed', command: type });
    });
  });

  describe('when disputed', () => {
    const history = histories.disputed();

    it('refuses a second dispute', () => {
      given(history).when(commands.openDispute(undefined, 'dp_2')).thenThrows(PaymentAlreadyDisputedError, { paymentId: PAYMENT_ID });
    });

    it('refuses a refund through the API while the dispute is open, as Stripe does (charge_disputed)', () => {
      given(history).when(commands.refund(1_000)).thenThrows(ChargeDisputedError, { status: 'open' });
    });

    it('refuses a refund above the captured amount once the dispute is won', () => {
      const won: PaymentEvent = {
        type: 'PaymentDisputeClosed',
        data: { paymentId: PAYMENT_ID, disputeId: 'dp_1', outcome: 'won', amount: AMOUNT, currency: 'USD', closedAt: AT },
      };
      given([...history, won])
        .when(commands.refund(AMOUNT + 1))
        .thenThrows(RefundExceedsCapturedError);
    });

    it('refuses a second dispute after a full refund too', () => {
      given([...histories.fullyRefunded(), events.disputed()])
        .when(commands.openDispute(1, 'dp_2'))
        .thenThrows(PaymentAlreadyDisputedError);
    });

    it('accepts a fraud flag', () => {
      given(history).when(commands.flagFraud()).then([events.fraudFlagged()]);
    });

    it('refuses to be created again', () => {
      given(history).when(commands.create()).thenThrows(PaymentAlreadyExistsError);
    });

    it.each([
      ['StartProcessing', commands.startProcessing()],
      ['MarkPaymentSucceeded', commands.markSucceeded()],
      ['MarkPaymentFailed', commands.markFailed()],
    ])('refuses %s', (type, command) => {
      given(history).when(command).thenThrows(InvalidStateTransitionError, { from: 'succeeded', command: type });
    });
  });

  describe('when fraud flagged', () => {
    it('accepts many flags and keeps its lifecycle', () => {
      const history = [events.created(), events.fraudFlagged(), events.fraudFlagged()];
      given(history).when(commands.flagFraud()).then([events.fraudFlagged()]);
      given(history).when(commands.startProcessing()).then([events.processing()]);
    });
  });
});
