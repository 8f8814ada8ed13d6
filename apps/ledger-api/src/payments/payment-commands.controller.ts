import { randomUUID } from 'node:crypto';
import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { deterministicUuid, PaymentCommandRunner, type CommandContext } from '@ledger/payments-app';
import type { PaymentCommand } from '@ledger/payments-domain';
import { RequireScope } from '../auth/require-scope.decorator';
import { RateLimit } from '../rate-limit/rate-limit.guard';
import { CommandCtx } from './command-context.decorator';
import { CommandRoute } from './openapi';
import { foldPaymentView, type PaymentView } from './payment-view';
import * as schemas from './schemas';
import { DisputeIdPipe, PaymentIdPipe, ZodBody } from './zod.pipe';

/** Each command: a validated body in, the payment after it out. Idempotency is the interceptor's (see openapi.ts). */
@ApiTags('payments')
@RequireScope('payments:write')
@Controller('v1/payments')
export class PaymentCommandsController {
  constructor(private readonly payments: PaymentCommandRunner) {}

  @Post()
  @RateLimit('payment')
  @CommandRoute('Create a payment', schemas.createPaymentBody, 201, true)
  create(
    @Body(new ZodBody(schemas.createPaymentBody)) body: z.output<typeof schemas.createPaymentBody>,
    @CommandCtx() ctx: CommandContext,
  ) {
    // Derived from the key when absent, so a retried create lands on the same stream.
    const paymentId = body.paymentId ?? deterministicUuid(ctx.actor, ctx.idempotency?.key ?? '', 'paymentId');
    return this.run({ type: 'CreatePayment', data: { ...body, paymentId }, now: new Date() }, ctx);
  }

  @Post(':id/processing')
  @CommandRoute('Start processing', schemas.startProcessingBody, 200)
  processing(
    @Param('id', PaymentIdPipe) paymentId: string,
    @Body(new ZodBody(schemas.startProcessingBody)) _body: z.output<typeof schemas.startProcessingBody>,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run({ type: 'StartProcessing', data: { paymentId }, now: new Date() }, ctx);
  }

  @Post(':id/success')
  @CommandRoute('Mark succeeded', schemas.markSucceededBody, 200)
  success(
    @Param('id', PaymentIdPipe) paymentId: string,
    @Body(new ZodBody(schemas.markSucceededBody)) body: z.output<typeof schemas.markSucceededBody>,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run({ type: 'MarkPaymentSucceeded', data: { ...body, paymentId }, now: new Date() }, ctx);
  }

  @Post(':id/failure')
  @CommandRoute('Mark failed', schemas.markFailedBody, 200)
  failure(
    @Param('id', PaymentIdPipe) paymentId: string,
    @Body(new ZodBody(schemas.markFailedBody)) body: z.output<typeof schemas.markFailedBody>,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run({ type: 'MarkPaymentFailed', data: { ...body, paymentId }, now: new Date() }, ctx);
  }

  @Post(':id/refunds')
  @RateLimit('refund')
  @CommandRoute('Refund (partially or fully)', schemas.refundBody, 201)
  refund(
    @Param('id', PaymentIdPipe) paymentId: string,
    @Body(new ZodBody(schemas.refundBody)) body: z.output<typeof schemas.refundBody>,
    @CommandCtx() ctx: CommandContext,
  ) {
    const key = ctx.idempotency?.key;
    const refundId = key ? deterministicUuid(ctx.actor, key, paymentId, 'refundId') : randomUUID();
    return this.run({ type: 'RefundPayment', data: { ...body, paymentId, refundId }, now: new Date() }, ctx);
  }

  @Post(':id/fraud-flags')
  @CommandRoute('Flag fraud', schemas.fraudFlagBody, 201)
  fraudFlag(
    @Param('id', PaymentIdPipe) paymentId: string,
    @Body(new ZodBody(schemas.fraudFlagBody)) body: z.output<typeof schemas.fraudFlagBody>,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run({ type: 'FlagFraud', data: { ...body, paymentId }, now: new Date() }, ctx);
  }

  @Post(':id/disputes')
  @CommandRoute('Open a dispute', schemas.disputeBody, 201)
  dispute(
    @Param('id', PaymentIdPipe) paymentId: string,
    @Body(new ZodBody(schemas.disputeBody)) body: z.output<typeof schemas.disputeBody>,
    @CommandCtx() ctx: CommandContext,
  ) {
    const key = ctx.idempotency?.key;
    const disputeId = body.providerDisputeId ?? (key ? deterministicUuid(ctx.actor, key, paymentId, 'disputeId') : randomUUID());
    return this.run({ type: 'OpenDispute', data: { ...body, paymentId, disputeId }, now: new Date() }, ctx);
  }

  @Post(':id/disputes/:disputeId/close')
  @CommandRoute("Close a dispute as won or lost (by our dispute id or the provider's)", schemas.closeDisputeBody, 200)
  closeDispute(
    @Param('id', PaymentIdPipe) paymentId: string,
    @Param('disputeId', DisputeIdPipe) disputeId: string,
    @Body(new ZodBody(schemas.closeDisputeBody)) body: z.output<typeof schemas.closeDisputeBody>,
    @CommandCtx() ctx: CommandContext,
  ) {
    return this.run({ type: 'CloseDispute', data: { paymentId, disputeId, outcome: body.outcome }, now: new Date() }, ctx);
  }

  private async run(command: PaymentCommand, ctx: CommandContext): Promise<PaymentView | undefined> {
    return foldPaymentView((await this.payments.run(command, ctx, foldPaymentView)).events);
  }
}
