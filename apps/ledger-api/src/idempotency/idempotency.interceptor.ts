import {
  Inject,
  Injectable,
  SetMetadata,
  StreamableFile,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { catchError, from, mergeMap, type Observable } from 'rxjs';
import { IDEMPOTENCY_LOG, type ClaimRefusal, type IdempotencyClaim, type IdempotencyLog, type StoredAnswer } from '@ledger/event-store';
import { IdempotencyKeyInFlight, IdempotencyKeyReused } from '@ledger/payments-app';
import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_KEY_RULE, type OwnedDataKey } from '@ledger/security';
import { ApiError, validationFailed } from '../http/api-error';
import { toApiError } from '../http/error-mapping';
import { contextOf } from '../http/request-context';
import { ReplayedResponse } from './replayed-response';
import { RequestHashes } from './request-hashes';
import { SealedResponses } from './sealed-response';

const IDEMPOTENT = 'ledger:idempotent';
const JSON_TYPE = 'application/json; charset=utf-8';

/** A command endpoint that takes an Idempotency-Key (`required` on create, as CONTRACT.md says). */
export const Idempotent = (options: { required?: boolean } = {}): MethodDecorator => SetMetadata(IDEMPOTENT, options);

/** What a handler returns when the use case found the key already answered: the stored answer, sent as it was. */
export class ReplayedAnswer {
  constructor(readonly answer: StoredAnswer) {}
}

/**
 * Reads the Idempotency-Key of an @Idempotent() handler's request, binds it to the request (the API key,
 * the endpoint, its path parameters, the body), and leaves on the request's context how its answers are
 * stored: the use case (libs/payments-app) claims, runs, and stores the answer with the append. What comes
 * back as a ReplayedAnswer is sent here, byte for byte, with `Idempotent-Replayed: true`.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly sealed: SealedResponses,
    private readonly hashes: RequestHashes,
    @Inject(IDEMPOTENCY_LOG) private readonly log: IdempotencyLog,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.get<{ required?: boolean } | undefined>(IDEMPOTENT, context.getHandler());
    if (!options) return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const ctx = contextOf(req);
    if (!ctx.apiKey) throw new ApiError(401, 'unauthorized', 'A valid API key is required');
    const key = readKey(req, options.required ?? false);
    if (key === undefined) return next.handle();
    const endpoint = `${req.method} ${(req.route as { path: string }).path}`;
    // Scoped to the key's lineage, not the key: a retry across a rotation is the same request (issue 28, case 10).
    const scope = { namespace: ctx.apiKey.lineageId ?? ctx.apiKey.id, key };
    // Keyed per customer (issue 29, case 5): hashing may read the data key store and the payment's first event.
    return from(this.hashes.claimFor(scope, { endpoint, params: req.params, body: req.body })).pipe(
      mergeMap(({ claim, dataKeys }) => this.handle(claim, dataKeys, context, next, res)),
    );
  }

  private handle(
    claim: IdempotencyClaim,
    dataKeys: readonly OwnedDataKey[],
    context: ExecutionContext,
    next: CallHandler,
    res: Response,
  ): Observable<unknown> {
    const ctx = contextOf(context.switchToHttp().getRequest<Request>());
    const status = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? 201;
    ctx.idempotency = {
      claim,
      dataKeys,
      // What Express's res.json will send for this value, byte for byte, its personal fields sealed.
      answer: async (value, keys) => ({ status, body: await this.sealed.seal(value, keys) }),
      // A decided refusal (the state machine said no) is replayed like a success; anything transient frees the key.
      answerRefusal: (error) => {
        const apiError = toApiError(error);
        const decided = (apiError.status === 404 || apiError.status === 409) && apiError.code !== 'concurrency_conflict';
        return decided ? { status: apiError.status, body: JSON.stringify(apiError.toBody()) } : undefined;
      },
    };
    return next.handle().pipe(
      mergeMap((value: unknown) => from(value instanceof ReplayedAnswer ? this.replay(value.answer, res) : Promise.resolve(value))),
      // Input the HTTP layer refused before any command ran: a key already answered, reused or in flight answers first.
      catchError(async (error: unknown) => {
        const earlier = error instanceof ApiError ? await this.log.peek(claim) : undefined;
        if (earlier) return this.answer(earlier, res);
        throw error;
      }),
    );
  }

  private answer(earlier: ClaimRefusal, res: Response): Promise<StreamableFile> {
    if (earlier.kind === 'reused') throw toApiError(new IdempotencyKeyReused());
    if (earlier.kind === 'in_flight') throw toApiError(new IdempotencyKeyInFlight());
    return this.replay(earlier.answer, res);
  }

  private async replay(answer: StoredAnswer, res: Response): Promise<StreamableFile> {
    res.setHeader('Idempotent-Replayed', 'true');
    // A stored refusal goes out through the exception filter, which owns error statuses.
    if (answer.status >= 300) throw new ReplayedResponse(answer.status, answer.body);
    return new StreamableFile(Buffer.from(await this.sealed.open(answer.body)), { type: JSON_TYPE });
  }
}

function readKey(req: Request, required: boolean): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined || key === '') {
    if (!required) return undefined;
    throw new ApiError(400, 'idempotency_key_required', 'This command needs an Idempotency-Key header');
  }
  // The input-hygiene middleware refuses it first; kept here so the interceptor holds on its own.
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) throw validationFailed([{ path: 'Idempotency-Key', message: IDEMPOTENCY_KEY_RULE }]);
  return key;
}
