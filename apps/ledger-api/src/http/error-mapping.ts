import { HttpException } from '@nestjs/common';
import { EventStoreUnavailableError, WrongExpectedVersionError } from '@ledger/event-store';
import { IdempotencyKeyInFlight, IdempotencyKeyReused } from '@ledger/payments-app';
import { isDomainError } from '@ledger/payments-domain';
import { isDatabaseUnavailable } from '@ledger/platform';
import { CardDataRejectedError } from '@ledger/security';
import { ApiError } from './api-error';

const HTTP_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

const GENERIC_MESSAGES: Record<number, string> = {
  401: 'A valid API key is required',
  403: 'Forbidden',
  404: 'No such route',
  405: 'Method not allowed',
  413: 'The body is too large',
  415: 'Unsupported media type',
};

/** The one place an error becomes a status and a body; anything unexpected is a 500 without detail. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof CardDataRejectedError) {
    const details = error.fields.map((path) => ({ path, message: 'card data is not accepted' }));
    return new ApiError(400, 'card_data_rejected', 'Card data is not accepted; send a provider token instead', details);
  }
  if (error instanceof IdempotencyKeyReused) return new ApiError(422, error.code, error.message);
  if (error instanceof IdempotencyKeyInFlight) return new ApiError(409, error.code, error.message);
  if (isDomainError(error)) {
    const status = error.code === 'payment_not_found' || error.code === 'dispute_not_found' ? 404 : 409;
    return new ApiError(status, error.code, error.message);
  }
  if (error instanceof WrongExpectedVersionError) {
    return new ApiError(409, 'concurrency_conflict', 'The payment changed concurrently; retry the command');
  }
  // PostgreSQL stopped, restarting or out of reach: nothing was decided, the client retries (same Idempotency-Key).
  if (isDatabaseUnavailable(error)) {
    return new ApiError(503, 'database_unavailable', 'The ledger database is unavailable; retry shortly', undefined, {
      'Retry-After': '1',
    });
  }
  // EventStoreDB unreachable, or its cluster electing a leader (issue 35): nothing decided, the client retries.
  if (error instanceof EventStoreUnavailableError) {
    return new ApiError(503, 'event_store_unavailable', 'The event store is unavailable; retry shortly', undefined, { 'Retry-After': '1' });
  }
  const bodyParser = bodyParserError(error) ?? bodyParserError((error as { cause?: unknown })?.cause);
  if (bodyParser) return bodyParser;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status >= 500) return new ApiError(500, 'internal_error', 'Internal error');
    // Framework messages can quote the request (a URL, a JSON fragment), so only generic ones go out.
    return new ApiError(status, HTTP_CODES[status] ?? 'bad_request', GENERIC_MESSAGES[status] ?? 'Bad request');
  }
  return new ApiError(500, 'internal_error', 'Internal error');
}

/** body-parser errors (http-errors, most with a `type`); their messages may quote the body, so they are replaced. */
export function bodyParserError(error: unknown): ApiError | undefined {
  const e = error as { type?: unknown; status?: unknown };
  if (error instanceof HttpException || typeof e?.status !== 'number' || e.status < 400 || e.status >= 500) return undefined;
  if (typeof e.type !== 'string') return new ApiError(400, 'bad_request', 'The body could not be read');
  if (e.type === 'entity.parse.failed') return new ApiError(400, 'malformed_json', 'The body is not valid JSON');
  if (e.type === 'entity.too.large') return new ApiError(413, 'payload_too_large', 'The body is too large');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    return new ApiError(415, 'unsupported_media_type', 'Unsupported body encoding');
  }
  return new ApiError(400, 'bad_request', 'The body could not be read');
}
