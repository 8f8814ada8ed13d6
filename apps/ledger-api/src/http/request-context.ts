import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { IdempotencyClaim, StoredAnswer } from '@ledger/event-store';
import { isAcceptableRequestId, type OwnedDataKey, type PersonalDataCipher } from '@ledger/security';
import type { KeyGrant } from '../auth/key-sessions';
import type { ApiMetrics } from '../metrics/metrics';

interface ApiKeyPrincipal {
  readonly id: string;
  /** The first key of its rotation chain: the scope of its Idempotency-Keys, so a retry survives a rotation. */
  readonly lineageId?: string;
  readonly name: string;
  readonly scopes: readonly string[];
}

export interface RequestContext {
  /** This request; the causation of whatever it appends. */
  readonly requestId: string;
  /**
   * X-Request-Id when the caller sent one of our charset holding no card
   * number, so a flow can be followed across services; otherwise our own id,
   * and the caller's value is neither echoed, stored nor logged.
   */
  readonly correlationId: string;
  apiKey?: ApiKeyPrincipal;
  /** The payment whose personal data this request decrypted: logged on the request line (PCI DSS 10.2). */
  personalDataRead?: string;
  /** Its Idempotency-Key's request, set by the idempotency interceptor for @Idempotent() handlers that got one. */
  idempotency?: KeyedCall;
  /** The key that let it in, watched while a long response (a stream) stays open (auth/key-sessions.ts). */
  keyGrant?: KeyGrant;
}

/** An Idempotency-Key bound to this request, and how its answers are stored for replay. */
export interface KeyedCall {
  readonly claim: IdempotencyClaim;
  /** The data key its hash was made under, when that is its customer's: the command's sealing uses it too. */
  readonly dataKeys?: readonly OwnedDataKey[];
  /** The bytes this value is sent as, personal fields sealed with `keys`. */
  answer(value: unknown, keys?: PersonalDataCipher): Promise<StoredAnswer>;
  /** The stored answer of a decided refusal; undefined for one the client should retry. */
  answerRefusal(error: unknown): StoredAnswer | undefined;
}

type LedgerRequest = Request & { ctx: RequestContext };

export function contextOf(req: Request): RequestContext {
  return (req as LedgerRequest).ctx;
}

export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** First in the chain, so that even a refused body is logged and counted. The body itself is never logged. */
export function requestContextMiddleware(logger: Logger, metrics: ApiMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    const given = req.get('x-request-id');
    const correlationId = isAcceptableRequestId(given) ? given : requestId;
    (req as LedgerRequest).ctx = { requestId, correlationId };
    res.setHeader('X-Request-Id', correlationId);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(req);
      metrics.observeRequest(req.method, route, res.statusCode, seconds);
      // The line's fields are built only when it is written (npm start's apps log at warn).
      if (!logger.isLevelEnabled('info')) return;
      logger.info(
        {
          requestId,
          correlationId,
          method: req.method,
          route,
          status: res.statusCode,
          ms: Math.round(seconds * 1000),
          apiKeyId: (req as LedgerRequest).ctx.apiKey?.id,
          ip: clientIp(req),
          personalDataRead: (req as LedgerRequest).ctx.personalDataRead,
        },
        'request',
      );
    });
    next();
  };
}

/** The route template, never the raw URL: it keeps metric labels bounded and ids out of label values. */
function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}
