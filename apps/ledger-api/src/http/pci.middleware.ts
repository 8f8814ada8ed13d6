import type { NextFunction, Request, Response } from 'express';
import { CardDataRejectedError, containsPan, scanForCardData } from '@ledger/security';
import { COPIED_HEADERS, decodedPath, isWebhookRoute } from './inputs';

/**
 * After the request's shape is checked (request-shape.middleware.ts: depth, encoding),
 * before authentication, validation, idempotency and any log line: card data
 * never travels further into the system than this. Every surface a value can
 * come in by is scanned (body, query, the decoded path, the headers we copy);
 * the answer names places, never values.
 */
export function pciGuardMiddleware(req: Request, _res: Response, next: NextFunction): void {
  if (isWebhookRoute(req)) return next();
  const fields = [
    ...scanForCardData(req.body).map((path) => path || '(body)'),
    ...scanForCardData({ ...req.query }, 'query'),
    ...(containsPan(decodedPath(req.path)) ? ['path'] : []),
    ...COPIED_HEADERS.filter((name) => containsPan(req.get(name) ?? '')).map((name) => `header:${name}`),
  ];
  if (fields.length > 0) return next(new CardDataRejectedError(fields));
  next();
}
