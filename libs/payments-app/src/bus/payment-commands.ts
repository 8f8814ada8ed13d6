import { Command } from '@nestjs/cqrs';
import type { PaymentCommandOf, PaymentCommandType } from '@ledger/payments-domain';
import type { CommandContext } from '../command-context';
import type { CommandOutcome, CommandRequest } from '../command-runner';
import type { ForgetResult } from '../forget-customer';
import type { KeyedOutcome, KeyedRequest } from '../keyed';

/**
 * A payment command on the CommandBus: the domain command, who asks, and, from an HTTP client that sent
 * an Idempotency-Key, the key's request. The bus finds the command's handler (./handlers.ts), which runs
 * it through the one use case, PaymentCommandRunner.
 */
export abstract class PaymentCommandMessage<T extends PaymentCommandType> extends Command<KeyedOutcome> {
  constructor(
    readonly command: PaymentCommandOf<T>,
    readonly context: CommandContext,
    readonly keyed?: KeyedRequest,
  ) {
    super();
  }
}

export class CreatePaymentCommand extends PaymentCommandMessage<'CreatePayment'> {}
export class StartProcessingCommand extends PaymentCommandMessage<'StartProcessing'> {}
export class MarkPaymentSucceededCommand extends PaymentCommandMessage<'MarkPaymentSucceeded'> {}
export class MarkPaymentFailedCommand extends PaymentCommandMessage<'MarkPaymentFailed'> {}
export class RefundPaymentCommand extends PaymentCommandMessage<'RefundPayment'> {}
export class ReportRefundTotalCommand extends PaymentCommandMessage<'ReportRefundTotal'> {}
export class ReverseRefundCommand extends PaymentCommandMessage<'ReverseRefund'> {}
export class FlagFraudCommand extends PaymentCommandMessage<'FlagFraud'> {}
export class OpenDisputeCommand extends PaymentCommandMessage<'OpenDispute'> {}
export class CloseDisputeCommand extends PaymentCommandMessage<'CloseDispute'> {}
export class ReviewMismatchCommand extends PaymentCommandMessage<'ReviewMismatch'> {}

/** A provider's delivery: the commands its plan names for the payment as it stands, appended as one. */
export class RecordProviderDeliveryCommand extends Command<CommandOutcome> {
  constructor(readonly request: CommandRequest) {
    super();
  }
}

/** Crypto-shredding of one customer's personal data (see forget-customer.ts). */
export class ForgetCustomerCommand extends Command<ForgetResult> {
  constructor(
    readonly customerId: string,
    readonly actor: string,
    readonly correlationId?: string,
  ) {
    super();
  }
}
