import {
  Inject,
  Injectable,
  Optional,
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
import type { KeyedRecord } from '@ledger/payments-app';
import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_KEY_RULE, type PersonalDataCipher } from '@ledger/security';
import { ApiError, validationFailed } from '../http/api-error';
import { toApiError } from '../http/error-mapping';
import { contextOf } from '../http/request-context';
import { requestHash } from './hashing';
import { IdempotencyRepository, type IdempotencyBegin, type IdempotencyScope } from './idempotency.repository';
import { KeyNotRunnable, PostgresCommandJournal } from './postgres-command-journal';
import { ReplayedResponse } from './replayed-response';
import { SealedResponses } from './sealed-response';

const IDEMPOTENT = 'ledger:idempotent';
const JSON_TYPE = 'application/json; charset=utf-8';
const keys = new WeakMap<Request, string>();
const records = new WeakMap<Request, KeyedRecord>();

/** With the PostgreSQL store: the key's record, claimed by the command runner with its read and recorded with its append. */
export function keyedRecordOf(req: Request): KeyedRecord | undefined {
  return records.get(req);
}

/** A command endpoint that takes an Idempotency-Key (`required` on create, as CONTRACT.md says). */
export const Idempotent = (options: { required?: boolean } = {}): MethodDecorator => SetMetadata(IDEMPOTENT, options);

/** The validated Idempotency-Key of this request, once the interceptor has accepted it. */
export function idempotencyKeyOf(req: Request): string | undefined {
  return keys.get(req);
}

/**
 * Replay, 422 on reuse, 409 while in flight, around any @Idempotent() handler.
 * The key is scoped to the API key alone and bound to the first request's
 * endpoint, path parameters and body; the response is stored as the bytes
 * sent, so a replay is byte for byte the first answer.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly records: IdempotencyRepository,
    private readonly sealed: SealedResponses,
    @Optional() @Inject(PostgresCommandJournal) private readonly journal?: PostgresCommandJournal | null,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const options = this.reflector.get<{ required?: boolean } | undefined>(IDEMPOTENT, context.getHandler());
    if (!options) return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const apiKeyId = contextOf(req).apiKey?.id;
    if (!apiKeyId) throw new ApiError(401, 'unauthorized', 'A valid API key is required');
    const key = readKey(req, options.required ?? false);
    if (key === undefined) return next.handle();
    keys.set(req, key);
    const scope = { apiKeyId, key };
    const endpoint = `${req.method} ${(req.route as { path: string }).path}`;
    const hash = requestHash({ endpoint, params: req.params, body: req.body });
    const status = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? 201;
    // What Express's res.json will send for this value, byte for byte, its personal fields sealed.
    const seal = async (value: unknown, keys?: PersonalDataCipher) => ({ status, body: await this.sealed.seal(value, keys) });
    if (this.journal)
      return this.deferred(next, req, res, { key: { namespace: apiKeyId, key }, requestHash: hash, seal, claimed: false, recorded: false });
    const begun = await this.records.begin(scope, hash);
    if (begun.kind !== 'started') return from([await this.answer(begun, res)]);
    return next.handle().pipe(
      mergeMap(async (value: unknown) => {
        await this.records.complete(scope, await seal(value));
        return value;
      }),
      catchError(async (error: unknown) => {
        await this.settle(scope, error);
        throw error;
      }),
    );
  }

  /**
   * PostgreSQL: the runner claims the key with its stream read and records the response with its append
   * (one commit). What it did not record (nothing appended, a refusal) is completed here, as before; input
   * refused before the runner claimed is checked against an existing record, so a replay, reuse or in-flight
   * answer still comes first.
   */
  private deferred(next: CallHandler, req: Request, res: Response, record: KeyedRecord): Observable<unknown> {
    records.set(req, record);
    const scope = { apiKeyId: record.key.namespace, key: record.key.key };
    return next.handle().pipe(
      mergeMap(async (value: unknown) => {
        if (!record.claimed) throw new Error('an @Idempotent() handler must run its command through the runner with its CommandCtx');
        if (!record.recorded) await this.records.complete(scope, await record.seal(value));
        return value;
      }),
      catchError(async (error: unknown) => {
        if (error instanceof KeyNotRunnable) return this.answer(error.begin, res);
        if (record.claimed) await this.settle(scope, error);
        else {
          const existing = await this.records.peek(scope, record.requestHash);
          if (existing) return this.answer(existing, res);
        }
        throw error;
      }),
    );
  }

  private async answer(begun: Exclude<IdempotencyBegin, { kind: 'started' }>, res: Response): Promise<StreamableFile> {
    if (begun.kind === 'reused') {
      throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request');
    }
    if (begun.kind === 'in_flight') {
      throw new ApiError(409, 'idempotency_key_in_use', 'A request with this Idempotency-Key is still in progress');
    }
    res.setHeader('Idempotent-Replayed', 'true');
    // A stored refusal goes out through the exception filter, which owns error statuses.
    if (begun.status >= 300) throw new ReplayedResponse(begun.status, begun.body);
    return new StreamableFile(Buffer.from(await this.sealed.open(begun.body)), { type: JSON_TYPE });
  }

  /** A decided outcome (the state machine said no) is replayed like a success; anything transient is forgotten. */
  private async settle(scope: IdempotencyScope, error: unknown): Promise<void> {
    const apiError = toApiError(error);
    const decided = (apiError.status === 404 || apiError.status === 409) && apiError.code !== 'concurrency_conflict';
    if (decided) await this.records.complete(scope, { status: apiError.status, body: JSON.stringify(apiError.toBody()) });
    else await this.records.release(scope);
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
