import { InvalidStateTransitionError, PaymentAlreadyDisputedError, PaymentAlreadyExistsError, RefundExceedsCapturedError } from './errors';
import { AMOUNT, PAYMENT_ID, commands, events, histories } from './testing/fixtures';
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

    it('still refunds, because a dispute does not change what was captured', () => {
      given(history)
        .when(commands.refund(1_000))
        .then([events.refunded(1_000, 1_000)]);
    });

    it('refuses a refund above the captured amount', () => {
      given(history)
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
