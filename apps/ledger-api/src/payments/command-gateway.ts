import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import type { PaymentCommand } from '@ledger/payments-domain';
import { ApiError, validationFailed } from '../http/api-error';
import { toApiError } from '../http/error-mapping';
import { clientIp, contextOf } from '../http/request-context';
import { requestHash } from '../idempotency/hashing';
import { IdempotencyRepository, type IdempotencyScope } from '../idempotency/idempotency.repository';
import { ExecutePaymentCommand } from './execute-payment.command';
import { foldPaymentView } from './payment-view';

export interface CommandRoute {
  readonly status: 200 | 201;
  readonly requireKey?: boolean;
  /** Validates the body and builds the domain command; `key` is the Idempotency-Key when there is one. */
  readonly build: (key: string | undefined, apiKeyId: string) => PaymentCommand;
}

const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

/** What every command endpoint does around the CommandBus: idempotency, event metadata, the response. */
@Injectable()
export class CommandGateway {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly idempotency: IdempotencyRepository,
  ) {}

  async handle(req: Request, res: Response, route: CommandRoute): Promise<void> {
    const ctx = contextOf(req);
    const apiKeyId = ctx.apiKey?.id;
    if (!apiKeyId) throw new ApiError(401, 'unauthorized', 'A valid API key is required');
    const key = idempotencyKeyOf(req, route.requireKey ?? false);
    const scope = key === undefined ? undefined : { apiKeyId, method: req.method, path: req.path, key };
    if (scope) {
      const begun = await this.idempotency.begin(scope, requestHash(req.body));
      if (begun.kind === 'replay') {
        res.setHeader('Idempotent-Replayed', 'true');
        res.status(begun.status).json(begun.body);
        return;
      }
      if (begun.kind === 'reused') {
        throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request');
      }
      if (begun.kind === 'in_flight') {
        throw new ApiError(409, 'idempotency_key_in_use', 'A request with this Idempotency-Key is still in progress');
      }
    }
    try {
      const command = route.build(key, apiKeyId);
      const { events } = await this.commandBus.execute(
        new ExecutePaymentCommand(command, {
          actor: apiKeyId,
          correlationId: ctx.correlationId,
          causationId: ctx.requestId,
          sourceIp: clientIp(req),
          idempotency: key === undefined ? undefined : { apiKeyId, key },
        }),
      );
      const body = foldPaymentView(events);
      if (scope) await this.idempotency.complete(scope, route.status, body);
      res.status(route.status).json(body);
    } catch (error) {
      if (scope) await this.settle(scope, error);
      throw error;
    }
  }

  /** A decided outcome (the state machine said no) is replayed like a success; anything transient is forgotten. */
  private async settle(scope: IdempotencyScope, error: unknown): Promise<void> {
    const apiError = toApiError(error);
    const decided = (apiError.status === 404 || apiError.status === 409) && apiError.code !== 'concurrency_conflict';
    if (decided) await this.idempotency.complete(scope, apiError.status, apiError.toBody());
    else await this.idempotency.release(scope);
  }
}

function idempotencyKeyOf(req: Request, required: boolean): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined || key === '') {
    if (!required) return undefined;
    throw new ApiError(400, 'idempotency_key_required', 'This command needs an Idempotency-Key header');
  }
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw validationFailed([{ path: 'Idempotency-Key', message: 'must be 1-255 printable ASCII characters' }]);
  }
  return key;
}
