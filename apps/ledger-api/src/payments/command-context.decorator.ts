import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { CommandContext } from '@ledger/payments-app';
import { ApiError } from '../http/api-error';
import { clientIp, contextOf, type KeyedCall } from '../http/request-context';

/** What a command handler dispatches with: who is asking, and the Idempotency-Key's request when there is one. */
export interface CommandCaller {
  readonly context: CommandContext;
  readonly keyed?: KeyedCall;
}

/** Who is asking and under which key: the event metadata of whatever the command appends. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): CommandCaller => {
  const req = context.switchToHttp().getRequest<Request>();
  const ctx = contextOf(req);
  const apiKeyId = ctx.apiKey?.id;
  if (!apiKeyId) throw new ApiError(401, 'unauthorized', 'A valid API key is required');
  const keyed = ctx.idempotency;
  return {
    context: {
      actor: apiKeyId,
      correlationId: ctx.correlationId,
      causationId: ctx.requestId,
      sourceIp: clientIp(req),
      idempotency: keyed && { namespace: keyed.claim.namespace, key: keyed.claim.key },
    },
    keyed,
  };
});
