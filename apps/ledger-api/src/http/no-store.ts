import type { NextFunction, Request, Response } from 'express';

// Express matches routes case-insensitively, so `/V1/payments` is the API too.
const API_PATH = /^\/v1(?:\/|$)/i;

/** Payments and metrics are not for shared or browser caches: every /v1 answer, errors included, says so. */
export function noStoreOnApi(req: Request, res: Response, next: NextFunction): void {
  if (API_PATH.test(req.path)) res.setHeader('Cache-Control', 'no-store');
  next();
}
