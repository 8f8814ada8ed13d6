import { Inject, Injectable, Optional } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import type { PaymentCommand, PaymentCommandType } from '@ledger/payments-domain';
import { DataKeyStore } from '@ledger/security';
import { PaymentCommandRunner, single, type CommandOutcome } from '../command-runner';
import { forgetCustomer, type ForgetResult } from '../forget-customer';
import type { KeyedOutcome } from '../keyed';
import * as messages from './payment-commands';

/** Cross-cutting work around every payment command handler (metrics, say), provided by the app that runs the bus. */
export interface CommandObserver {
  /** Once per command that appended events (not for a replay, a retry already applied, or a refusal). */
  appended(command: PaymentCommandType): void;
}

export const COMMAND_OBSERVER = Symbol('COMMAND_OBSERVER');

/**
 * What every payment command's handler does: run it through the use case (keyed when it carries an
 * Idempotency-Key's request), then tell the observer what it appended. Each handler below is this,
 * bound to its command class.
 */
@Injectable()
abstract class RunsPaymentCommand<T extends PaymentCommandType> implements ICommandHandler<messages.PaymentCommandMessage<T>> {
  constructor(
    @Inject(PaymentCommandRunner) private readonly runner: PaymentCommandRunner,
    @Optional() @Inject(COMMAND_OBSERVER) private readonly observer?: CommandObserver,
  ) {}

  async execute({ command, context, keyed }: messages.PaymentCommandMessage<T>): Promise<KeyedOutcome> {
    const result: KeyedOutcome = keyed
      ? await this.runner.executeKeyed(single(command, context), keyed)
      : { kind: 'fresh', outcome: await this.runner.run(command, context) };
    if (result.kind === 'fresh') observe(this.observer, result.outcome.appended);
    return result;
  }
}

function observe(observer: CommandObserver | undefined, appended: readonly PaymentCommand[]): void {
  for (const command of appended) observer?.appended(command.type);
}

@CommandHandler(messages.CreatePaymentCommand)
export class CreatePaymentHandler extends RunsPaymentCommand<'CreatePayment'> {}
@CommandHandler(messages.StartProcessingCommand)
export class StartProcessingHandler extends RunsPaymentCommand<'StartProcessing'> {}
@CommandHandler(messages.MarkPaymentSucceededCommand)
export class MarkPaymentSucceededHandler extends RunsPaymentCommand<'MarkPaymentSucceeded'> {}
@CommandHandler(messages.MarkPaymentFailedCommand)
export class MarkPaymentFailedHandler extends RunsPaymentCommand<'MarkPaymentFailed'> {}
@CommandHandler(messages.RefundPaymentCommand)
export class RefundPaymentHandler extends RunsPaymentCommand<'RefundPayment'> {}
@CommandHandler(messages.ReportRefundTotalCommand)
export class ReportRefundTotalHandler extends RunsPaymentCommand<'ReportRefundTotal'> {}
@CommandHandler(messages.ReverseRefundCommand)
export class ReverseRefundHandler extends RunsPaymentCommand<'ReverseRefund'> {}
@CommandHandler(messages.FlagFraudCommand)
export class FlagFraudHandler extends RunsPaymentCommand<'FlagFraud'> {}
@CommandHandler(messages.OpenDisputeCommand)
export class OpenDisputeHandler extends RunsPaymentCommand<'OpenDispute'> {}
@CommandHandler(messages.CloseDisputeCommand)
export class CloseDisputeHandler extends RunsPaymentCommand<'CloseDispute'> {}
@CommandHandler(messages.ReviewMismatchCommand)
export class ReviewMismatchHandler extends RunsPaymentCommand<'ReviewMismatch'> {}

/** A provider delivery's plan, run as one append (a lost race re-plans on fresh state). */
@CommandHandler(messages.RecordProviderDeliveryCommand)
export class RecordProviderDeliveryHandler implements ICommandHandler<messages.RecordProviderDeliveryCommand> {
  constructor(
    @Inject(PaymentCommandRunner) private readonly runner: PaymentCommandRunner,
    @Optional() @Inject(COMMAND_OBSERVER) private readonly observer?: CommandObserver,
  ) {}

  async execute({ request }: messages.RecordProviderDeliveryCommand): Promise<CommandOutcome> {
    const outcome = await this.runner.execute(request);
    observe(this.observer, outcome.appended);
    return outcome;
  }
}

@CommandHandler(messages.ForgetCustomerCommand)
export class ForgetCustomerHandler implements ICommandHandler<messages.ForgetCustomerCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DataKeyStore) private readonly keys: DataKeyStore,
  ) {}

  execute({ customerId, actor, correlationId }: messages.ForgetCustomerCommand): Promise<ForgetResult> {
    return forgetCustomer(this.store, this.keys, { customerId, actor, correlationId });
  }
}

/** Every handler of the payment commands: an app registers these beside `CqrsModule.forRoot()`. */
export const PAYMENT_COMMAND_HANDLERS = [
  CreatePaymentHandler,
  StartProcessingHandler,
  MarkPaymentSucceededHandler,
  MarkPaymentFailedHandler,
  RefundPaymentHandler,
  ReportRefundTotalHandler,
  ReverseRefundHandler,
  FlagFraudHandler,
  OpenDisputeHandler,
  CloseDisputeHandler,
  ReviewMismatchHandler,
  RecordProviderDeliveryHandler,
];
