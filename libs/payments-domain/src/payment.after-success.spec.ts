import { DisputeExceedsCapturedError, InvalidStateTransitionError, PaymentAlreadyExistsError, RefundExceedsCapturedError } from './errors';
import { AMOUNT, commands, events, histories } from './testing/fixtures';
import { given } from './testing/given';

const lifecycleCommands = [
  ['StartProcessing', commands.startProcessing()],
  ['MarkPaymentSucceeded', commands.markSucceeded()],
  ['MarkPaymentFailed', commands.markFailed()],
] as const;

describe('Payment', () => {
  describe('when succeeded', () => {
    const history = histories.succeeded();

    it('refunds part of the amount', () => {
      given(history)
        .when(commands.refund(2_500))
        .then([events.refunded(2_500, 2_500)]);
    });

    it('refunds the whole amount', () => {
      given(history)
        .when(commands.refund(AMOUNT))
        .then([events.refunded(AMOUNT, AMOUNT)]);
    });

    it('keeps the reason of a refund', () => {
      const command = commands.refund(100);
      command.data = { ...command.data, reason: 'requested_by_customer' };
      given(history)
        .when(command)
        .then([{ type: 'PaymentRefunded', data: { ...events.refunded(100, 100).data, reason: 'requested_by_customer' } }]);
    });

    it('refuses a refund above the captured amount', () => {
      given(history)
        .when(commands.refund(AMOUNT + 1))
        .thenThrows(RefundExceedsCapturedError, { requested: AMOUNT + 1, refundable: AMOUNT });
    });

    it('opens a dispute for the captured amount by default', () => {
      given(history)
        .when(commands.openDispute())
        .then([events.disputed(AMOUNT)]);
    });

    it('opens a dispute for part of the amount', () => {
      given(history)
        .when(commands.openDispute(3_000))
        .then([events.disputed(3_000)]);
    });

    it('refuses a dispute above the captured amount', () => {
      given(history)
        .when(commands.openDispute(AMOUNT + 1))
        .thenThrows(DisputeExceedsCapturedError, { requested: AMOUNT + 1, captured: AMOUNT });
    });

    it('accepts a fraud flag', () => {
      given(history).when(commands.flagFraud()).then([events.fraudFlagged()]);
    });

    it('refuses to be created again', () => {
      given(history).when(commands.create()).thenThrows(PaymentAlreadyExistsError);
    });

    it.each(lifecycleCommands)('refuses %s', (type, command) => {
      given(history).when(command).thenThrows(InvalidStateTransitionError, { from: 'succeeded', command: type });
    });
  });

  describe('when partially refunded', () => {
    const history = histories.partiallyRefunded();

    it('refunds more, up to what is left', () => {
      given(history)
        .when(commands.refund(6_000, 're_2'))
        .then([events.refunded(6_000, AMOUNT, 're_2')]);
    });

    it('refuses a refund above what is left to refund', () => {
      given(history).when(commands.refund(6_001, 're_2')).thenThrows(RefundExceedsCapturedError, { requested: 6_001, refundable: 6_000 });
    });

    it('opens a dispute', () => {
      given(history)
        .when(commands.openDispute())
        .then([events.disputed(AMOUNT)]);
    });

    it('accepts a fraud flag', () => {
      given(history).when(commands.flagFraud()).then([events.fraudFlagged()]);
    });

    it('refuses to be created again', () => {
      given(history).when(commands.create()).thenThrows(PaymentAlreadyExistsError);
    });

    it.each(lifecycleCommands)('refuses %s', (type, command) => {
      given(history).when(command).thenThrows(InvalidStateTransitionError, { from: 'partially_refunded', command: type });
    });
  });

  describe('when fully refunded', () => {
    const history = histories.fullyRefunded();

    it('refuses any further refund', () => {
      given(history).when(commands.refund(1, 're_2')).thenThrows(RefundExceedsCapturedError, { requested: 1, refundable: 0 });
    });

    it('opens a dispute', () => {
      given(history)
        .when(commands.openDispute())
        .then([events.disputed(AMOUNT)]);
    });

    it('accepts a fraud flag', () => {
      given(history).when(commands.flagFraud()).then([events.fraudFlagged()]);
    });

    it('refuses to be created again', () => {
      given(history).when(commands.create()).thenThrows(PaymentAlreadyExistsError);
    });

    it.each(lifecycleCommands)('refuses %s', (type, command) => {
      given(history).when(command).thenThrows(InvalidStateTransitionError, { from: 'refunded', command: type });
    });
  });
});
