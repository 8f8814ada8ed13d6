import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { CommandContext } from '@ledger/payments-app';
import { ApiError } from '../http/api-error';
import { clientIp, contextOf } from '../http/request-context';
import { idempotencyKeyOf, keyedRecordOf } from '../idempotency/idempotency.interceptor';

/** Who is asking and under which key: the event metadata of whatever the command appends. */
export const CommandCtx = createParamDecorator((_data: unknown, context: ExecutionContext): CommandContext => {
  const req = context.switchToHttp().getRequest<Request>();
  const ctx = contextOf(req);
  const apiKeyId = ctx.apiKey?.id;
  if (!apiKeyId) throw new ApiError(401, 'unauthorized', 'A valid API key is required');
  const key = idempotencyKeyOf(req);
  return {
    actor: apiKeyId,
    correlationId: ctx.correlationId,
    causationId: ctx.requestId,
    sourceIp: clientIp(req),
    idempotency: key === undefined ? undefined : { namespace: apiKeyId, key },
    record: keyedRecordOf(req),
  };
});
