import { InvalidStateTransitionError, PaymentAlreadyExistsError, PaymentNotFoundError } from './errors';
import { AT, PAYMENT_ID, commands, events, histories } from './testing/fixtures';
import { given } from './testing/given';

describe('Payment', () => {
  describe('when none', () => {
    it('creates the payment', () => {
      given([]).when(commands.create()).then([events.created()]);
    });

    it('keeps the optional fields it was given and drops the absent ones', () => {
      const create = commands.create();
      create.data = {
        ...create.data,
        customerId: 'cus_1',
        description: undefined,
        card: { token: 'tok_1', brand: 'visa', last4: '4242' },
        metadata: { order: '42' },
      };
      given([])
        .when(create)
        .then([
          {
            type: 'PaymentCreated',
            data: {
              ...events.created().data,
              customerId: 'cus_1',
              card: { token: 'tok_1', brand: 'visa', last4: '4242' },
              metadata: { order: '42' },
            },
          },
        ]);
    });

    it.each([
      ['starting processing', commands.startProcessing()],
      ['marking it succeeded', commands.markSucceeded()],
      ['marking it failed', commands.markFailed()],
      ['refunding it', commands.refund(100)],
      ['flagging fraud', commands.flagFraud()],
      ['opening a dispute', commands.openDispute()],
    ])('refuses %s as not found', (_, command) => {
      given([]).when(command).thenThrows(PaymentNotFoundError, { paymentId: PAYMENT_ID });
    });
  });

  describe('when pending', () => {
    const history = histories.pending();

    it('starts processing', () => {
      given(history).when(commands.startProcessing()).then([events.processing()]);
    });

    it('accepts a fraud flag', () => {
      given(history).when(commands.flagFraud()).then([events.fraudFlagged()]);
    });

    it('refuses to be created again', () => {
      given(history).when(commands.create()).thenThrows(PaymentAlreadyExistsError);
    });

    it.each([
      ['MarkPaymentSucceeded', commands.markSucceeded()],
      ['MarkPaymentFailed', commands.markFailed()],
      ['RefundPayment', commands.refund(100)],
      ['OpenDispute', commands.openDispute()],
    ])('refuses %s', (type, command) => {
      given(history).when(command).thenThrows(InvalidStateTransitionError, { from: 'pending', command: type });
    });
  });

  describe('when processing', () => {
    const history = histories.processing();

    it('succeeds with the payment amount and currency', () => {
      given(history).when(commands.markSucceeded()).then([events.succeeded()]);
    });

    it('records the provider id and processing time of a success', () => {
      const command = commands.markSucceeded();
      command.data = { ...command.data, providerPaymentId: 'pi_1', processingTimeMs: 840 };
      given(history)
        .when(command)
        .then([{ type: 'PaymentSucceeded', data: { ...events.succeeded().data, providerPaymentId: 'pi_1', processingTimeMs: 840 } }]);
    });

    it('fails', () => {
      given(history).when(commands.markFailed()).then([events.failed()]);
    });

    it('records the message and processing time of a failure', () => {
      const command = commands.markFailed();
      command.data = { ...command.data, errorMessage: 'Insufficient funds', processingTimeMs: 120 };
      given(history)
        .when(command)
        .then([
          {
            type: 'PaymentFailed',
            data: {
              paymentId: PAYMENT_ID,
              errorCode: 'card_declined',
              errorMessage: 'Insufficient funds',
              processingTimeMs: 120,
              failedAt: AT,
            },
          },
        ]);
    });

    it('accepts a fraud flag', () => {
      given(history).when(commands.flagFraud()).then([events.fraudFlagged()]);
    });

    it('refuses to be created again', () => {
      given(history).when(commands.create()).thenThrows(PaymentAlreadyExistsError);
    });

    it.each([
      ['StartProcessing', commands.startProcessing()],
      ['RefundPayment', commands.refund(100)],
      ['OpenDispute', commands.openDispute()],
    ])('refuses %s', (type, command) => {
      given(history).when(command).thenThrows(InvalidStateTransitionError, { from: 'processing', command: type });
    });
  });
});
