import { randomUUID } from 'node:crypto';
import { Body, Controller, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { RISK_SIGNAL_FIELDS, RiskTokens } from '@ledger/fraud';
import {
  CloseDisputeCommand,
  CreatePaymentCommand,
  deterministicUuid,
  FlagFraudCommand,
  MarkPaymentFailedCommand,
  MarkPaymentSucceededCommand,
  OpenDisputeCommand,
  RefundPaymentCommand,
  ReviewMismatchCommand,
  StartProcessingCommand,
  type KeyedRequest,
  type PaymentCommandMessage,
} from '@ledger/payments-app';
import type { PaymentCommandType } from '@ledger/payments-domain';
import { RequireScope } from '../auth/require-scope.decorator';
import type { KeyedCall } from '../http/request-context';
import { ReplayedAnswer } from '../idempotency/idempotency.interceptor';
import { RateLimit } from '../rate-limit/rate-limit.guard';
import { Caller, type CommandCaller } from './command-context.decorator';
import { CommandRoute } from './openapi';
import { foldPaymentView, type PaymentView, type StoredPaymentEvent } from './payment-view';
import * as schemas from './schemas';
import { DisputeIdPipe, PaymentIdPipe, ZodBody } from './zod.pipe';

/**
 * Each command: a validated body in, its command on the CommandBus, the payment after it out (or, for an
 * Idempotency-Key answered before, that answer again). Idempotency: see the interceptor and openapi.ts.
 */
@ApiTags('payments')
@RequireScope('payments:write')
@Controller('v1/payments')
export class PaymentCommandsController {
  constructor(
    private readonly bus: CommandBus,
    @Inject(RiskTokens) private readonly riskTokens: RiskTokens,
  ) {}

  @Post()
  @RateLimit('payment')
  @CommandRoute('Create a payment', schemas.createPaymentBody, 201, true)
  async create(
    @Body(new ZodBody(schemas.createPaymentBody)) body: z.output<typeof schemas.createPaymentBody>,
    @Caller() caller: CommandCaller,
  ) {
    // Derived from the key when absent, so a retried create lands on the same stream.
    // From the key's lineage (the Idempotency-Key's scope), so a retry across a rotation is the same payment.
    const { actor, idempotency } = caller.context;
    const paymentId = body.paymentId ?? deterministicUuid(idempotency?.namespace ?? actor, idempotency?.key ?? '', 'paymentId');
    // The risk signals travel as one sealed value with their keyed tokens (issue 30), never as fields of their own.
    const fields = Object.fromEntries(Object.entries(body).filter(([k]) => !(RISK_SIGNAL_FIELDS as readonly string[]).includes(k)));
    const risk = await this.riskTokens.riskOf(body);
    const data = { ...(fields as Omit<typeof body, (typeof RISK_SIGNAL_FIELDS)[number]>), paymentId, ...(risk ? { risk } : {}) };
    return this.send(CreatePaymentCommand, { type: 'CreatePayment', data, now: new Date() }, caller);
  }

  @Post(':id/processing')
  @CommandRoute('Start processing', schemas.startProcessingBody, 200)
  processing(
    @Param('id', PaymentIdPipe) paymentId: string,
    @Body(new ZodBody(schemas.startProcessingBody)) _body: z.output<typeof schemas.startProcessingBody>,
    @Caller() caller: CommandCaller,
  ) {
    return this.send(StartProcessingCommand, { type: 'StartProcessing', data: { paymentId }, now: new Date() }, caller);
  }

  @Post(':id/success')
  @CommandRoute('Mark succeeded', schemas.markSucceededBody, 200)
  success(
    @Param('id', PaymentIdPipe) paymentId: string,
    @Body(new ZodBody(schemas.markSucceededBody)) body: z.output<typeof schemas.markSucceededBody>,
    @Caller() caller: CommandCaller,
  ) {
    return this.send(MarkPaymentSucceededCommand, { type: 'MarkPaymentSucceeded', data: { ...body, paymentId }, now: new Date() }, caller);
  }

  @Post(':id/failure')
  @CommandRoute('Mark failed', schemas.markFailedBody, 200)
  failure(
    @Param('id', PaymentIdPipe) paymentId: string,
    @Body(new ZodBody(schemas.markFailedBody)) body: z.output<typeof schemas.markFailedBody>,
    @Caller() caller: CommandCaller,
  ) {
    return this.send(MarkPaymentFailedCommand, { type: 'MarkPaymentFailed', data: { ...body, paymentId }, now: new Date() }, caller);
  }

  @Post(':id/refunds')
  @RateLimit('refund')
  @CommandRoute('Refund (partially or fully)', schemas.refundBody, 201)
  refund(
    @Param('id', PaymentIdPipe) paymentId: string,
    @Body(new ZodBody(schemas.refundBody)) body: z.output<typeof schemas.refundBody>,
    @Caller() caller: CommandCaller,
  ) {
    const { idempotency } = caller.context;
    const refundId = idempotency ? deterministicUuid(idempotency.namespace, idempotency.key, paymentId, 'refundId') : randomUUID();
    return this.send(RefundPaymentCommand, { type: 'RefundPayment', data: { ...body, paymentId, refundId }, now: new Date() }, caller);
  }

  @Post(':id/fraud-flags')
  @CommandRoute('Flag fraud', schemas.fraudFlagBody, 201)
  fraudFlag(
    @Param('id', PaymentIdPipe) paymentId: string,
    @Body(new ZodBody(schemas.fraudFlagBody)) body: z.output<typeof schemas.fraudFlagBody>,
    @Caller() caller: CommandCaller,
  ) {
    return this.send(FlagFraudCommand, { type: 'FlagFraud', data: { ...body, paymentId }, now: new Date() }, caller);
  }

  @Post(':id/disputes')
  @CommandRoute('Open a dispute', schemas.disputeBody, 201)
  dispute(
    @Param('id', PaymentIdPipe) paymentId: string,
    @Body(new ZodBody(schemas.disputeBody)) body: z.output<typeof schemas.disputeBody>,
    @Caller() caller: CommandCaller,
  ) {
    const { idempotency } = caller.context;
    const disputeId =
      body.providerDisputeId ??
      (idempotency ? deterministicUuid(idempotency.namespace, idempotency.key, paymentId, 'disputeId') : randomUUID());
    return this.send(OpenDisputeCommand, { type: 'OpenDispute', data: { ...body, paymentId, disputeId }, now: new Date() }, caller);
  }

  @Post(':id/disputes/:disputeId/close')
  @CommandRoute("Close a dispute as won or lost (by our dispute id or the provider's)", schemas.closeDisputeBody, 200)
  closeDispute(
    @Param('id', PaymentIdPipe) paymentId: string,
    @Param('disputeId', DisputeIdPipe) disputeId: string,
    @Body(new ZodBody(schemas.closeDisputeBody)) body: z.output<typeof schemas.closeDisputeBody>,
    @Caller() caller: CommandCaller,
  ) {
    const command = { type: 'CloseDispute' as const, data: { paymentId, disputeId, outcome: body.outcome }, now: new Date() };
    return this.send(CloseDisputeCommand, command, caller);
  }

  /** A person settles the provider mismatch holding the payment (needs_review): accept the provider's amount, refund it, or write it off. */
  @Post(':id/review')
  @RequireScope('admin')
  @CommandRoute('Settle the provider mismatch holding a payment in needs_review', schemas.reviewBody, 200)
  review(
    @Param('id', PaymentIdPipe) paymentId: string,
    @Body(new ZodBody(schemas.reviewBody)) body: z.output<typeof schemas.reviewBody>,
    @Caller() caller: CommandCaller,
  ) {
    const command = { type: 'ReviewMismatch' as const, data: { paymentId, decision: body.decision, note: body.note }, now: new Date() };
    return this.send(ReviewMismatchCommand, command, caller);
  }

  private async send<T extends PaymentCommandType>(
    Message: new (...args: ConstructorParameters<typeof PaymentCommandMessage<T>>) => PaymentCommandMessage<T>,
    command: PaymentCommandMessage<T>['command'],
    { context, keyed }: CommandCaller,
  ): Promise<PaymentView | ReplayedAnswer | undefined> {
    const result = await this.bus.execute(new Message(command, context, keyed && answeringWithTheView(keyed)));
    return result.kind === 'replay' ? new ReplayedAnswer(result.answer) : viewOf(result.outcome.events);
  }
}

/**
 * The payment after a command, folded once: a keyed command's stored answer and its response are the same view
 * (the fold stood for 1.3-1.6 % of the API's busy time under bench:system when it ran twice per command).
 */
const views = new WeakMap<readonly StoredPaymentEvent[], PaymentView | undefined>();
function viewOf(events: readonly StoredPaymentEvent[]): PaymentView | undefined {
  if (!views.has(events)) views.set(events, foldPaymentView(events));
  return views.get(events);
}

/** The answer stored for a keyed command is the payment after it, as this controller sends it. */
function answeringWithTheView(call: KeyedCall): KeyedRequest {
  return {
    claim: call.claim,
    answer: (outcome, keys) => call.answer(viewOf(outcome.events), keys),
    answerRefusal: (error) => call.answerRefusal(error),
  };
}
