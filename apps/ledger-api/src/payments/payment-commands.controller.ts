import { randomUUID } from 'node:crypto';
import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { RequireScope } from '../auth/require-scope.decorator';
import { deterministicUuid } from '../idempotency/hashing';
import { RateLimit } from '../rate-limit/rate-limit.guard';
import { CommandGateway } from './command-gateway';
import { CommandDocs } from './openapi';
import * as schemas from './schemas';
import { parseBody, parsePaymentId } from './schemas';

@ApiTags('payments')
@RequireScope('payments:write')
@Controller('v1/payments')
export class PaymentCommandsController {
  constructor(private readonly gateway: CommandGateway) {}

  @Post()
  @RateLimit('payment')
  @CommandDocs('Create a payment', schemas.createPaymentBody, 201, true)
  create(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.gateway.handle(req, res, {
      status: 201,
      requireKey: true,
      build: (key, apiKeyId) => {
        const body = parseBody(schemas.createPaymentBody, req.body);
        // Derived from the key when absent, so a retried create lands on the same stream.
        const paymentId = body.paymentId ?? deterministicUuid(apiKeyId, key ?? '', 'paymentId');
        return { type: 'CreatePayment', data: { ...body, paymentId }, now: new Date() };
      },
    });
  }

  @Post(':id/processing')
  @CommandDocs('Start processing', schemas.startProcessingBody, 200)
  processing(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.gateway.handle(req, res, {
      status: 200,
      build: () => {
        parseBody(schemas.startProcessingBody, req.body);
        return { type: 'StartProcessing', data: { paymentId: parsePaymentId(id) }, now: new Date() };
      },
    });
  }

  @Post(':id/success')
  @CommandDocs('Mark succeeded', schemas.markSucceededBody, 200)
  success(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.gateway.handle(req, res, {
      status: 200,
      build: () => {
        const body = parseBody(schemas.markSucceededBody, req.body);
        return { type: 'MarkPaymentSucceeded', data: { ...body, paymentId: parsePaymentId(id) }, now: new Date() };
      },
    });
  }

  @Post(':id/failure')
  @CommandDocs('Mark failed', schemas.markFailedBody, 200)
  failure(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.gateway.handle(req, res, {
      status: 200,
      build: () => {
        const body = parseBody(schemas.markFailedBody, req.body);
        return { type: 'MarkPaymentFailed', data: { ...body, paymentId: parsePaymentId(id) }, now: new Date() };
      },
    });
  }

  @Post(':id/refunds')
  @RateLimit('refund')
  @CommandDocs('Refund (partially or fully)', schemas.refundBody, 201)
  refund(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.gateway.handle(req, res, {
      status: 201,
      build: (key, apiKeyId) => {
        const body = parseBody(schemas.refundBody, req.body);
        const paymentId = parsePaymentId(id);
        const refundId = key ? deterministicUuid(apiKeyId, key, paymentId, 'refundId') : randomUUID();
        return { type: 'RefundPayment', data: { ...body, paymentId, refundId }, now: new Date() };
      },
    });
  }

  @Post(':id/fraud-flags')
  @CommandDocs('Flag fraud', schemas.fraudFlagBody, 201)
  fraudFlag(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.gateway.handle(req, res, {
      status: 201,
      build: () => {
        const body = parseBody(schemas.fraudFlagBody, req.body);
        return { type: 'FlagFraud', data: { ...body, paymentId: parsePaymentId(id) }, now: new Date() };
      },
    });
  }

  @Post(':id/disputes')
  @CommandDocs('Open a dispute', schemas.disputeBody, 201)
  dispute(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.gateway.handle(req, res, {
      status: 201,
      build: () => {
        const body = parseBody(schemas.disputeBody, req.body);
        return { type: 'OpenDispute', data: { ...body, paymentId: parsePaymentId(id) }, now: new Date() };
      },
    });
  }
}
