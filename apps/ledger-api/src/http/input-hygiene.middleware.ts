import type { NextFunction, Request, Response } from 'express';
import { findControlCharacters, hasControlCharacters, IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_KEY_RULE } from '@ledger/security';
import { validationFailed, type ErrorDetail } from './api-error';
import { decodedPath, isFreeTextField, isWebhookRoute } from './inputs';

const CONTROL = 'must not contain control characters';

/**
 * After the PCI guard, before authentication: control characters anywhere
 * but in free text (PostgreSQL refuses a NUL, and logs and terminals obey the
 * rest), and the documented character set of the Idempotency-Key.
 */
export function inputHygieneMiddleware(req: Request, _res: Response, next: NextFunction): void {
  if (isWebhookRoute(req)) return next();
  const details: ErrorDetail[] = [
    ...findControlCharacters(req.body, isFreeTextField).map((path) => ({ path, message: CONTROL })),
    ...findControlCharacters({ ...req.query }, () => false, 'query').map((path) => ({ path, message: CONTROL })),
  ];
  if (hasControlCharacters(decodedPath(req.path))) details.push({ path: 'path', message: CONTROL });
  const key = req.get('idempotency-key');
  if (key !== undefined && key !== '' && !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    details.push({ path: 'Idempotency-Key', message: IDEMPOTENCY_KEY_RULE });
  }
  if (details.length > 0) return next(validationFailed(details.slice(0, 20)));
  next();
}
