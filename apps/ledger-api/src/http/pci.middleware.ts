import type { NextFunction, Request, Response } from 'express';
import { CardDataRejectedError, scanForCardData } from '@ledger/security';
import { validationFailed } from './api-error';
import { exceedsDepth, MAX_BODY_DEPTH } from './body-depth';

/**
 * Before authentication, validation, idempotency and any log line: card data
 * never travels further into the system than this. Paths only, never values.
 */
export function pciGuardMiddleware(req: Request, _res: Response, next: NextFunction): void {
  // A provider's payload is not ours to refuse: the webhook controller masks it instead.
  if (req.path.startsWith('/v1/webhooks/')) return next();
  if (exceedsDepth(req.body)) {
    return next(validationFailed([{ path: '(body)', message: `nests deeper than ${MAX_BODY_DEPTH} levels` }]));
  }
  const fields = [
    ...scanForCardData(req.body).map((path) => path || '(body)'),
    ...scanForCardData({ ...req.query }, 'query'),
    ...scanForCardData(req.path, 'path'),
  ];
  if (fields.length > 0) return next(new CardDataRejectedError(fields));
  next();
}
