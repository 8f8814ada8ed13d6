import { isUtf8 } from 'node:buffer';
import type { NextFunction, Request, Response } from 'express';
import { findBidiControls } from '@ledger/security';
import { validationFailed, type ErrorDetail } from './api-error';
import { exceedsDepth, MAX_BODY_DEPTH } from './body-depth';
import { isWebhookRoute } from './inputs';

/** Keys that name the prototype machinery: assigned through, they change an object's prototype instead of holding data. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_QUERY_DEPTH = 4;
const BIDI = 'must not contain bidirectional formatting characters (U+202A-U+202E, U+2066-U+2069)';

/**
 * First after the body parser, before the card guard, authentication and routing, for every
 * route, webhooks included: what no handler or scanner should ever be handed. Bytes that are not
 * UTF-8 (the parser would store U+FFFD in their place), a body nested deeper than any we accept
 * (recursive scanners and maskers would overflow the stack: a 500, retried forever by a provider),
 * and, on our own routes, keys that name the prototype machinery and bidi controls. A provider's
 * payload keeps such keys as own properties (maskCardData defines, never assigns) and has bidi
 * controls replaced, since a signed delivery is not ours to refuse for its content.
 */
export function requestShapeMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const raw = (req as Request & { rawBody?: Buffer }).rawBody;
  const details: ErrorDetail[] = [];
  if (raw !== undefined && !isUtf8(raw)) details.push({ path: '(body)', message: 'must be valid UTF-8' });
  if (!decodesAsUtf8(req.originalUrl)) details.push({ path: 'path', message: 'must be valid percent-encoded UTF-8' });
  if (details.length > 0) return next(validationFailed(details));
  if (exceedsDepth(req.body)) return next(validationFailed([{ path: '(body)', message: `nests deeper than ${MAX_BODY_DEPTH} levels` }]));
  if (exceedsDepth(req.query, MAX_QUERY_DEPTH))
    return next(validationFailed([{ path: 'query', message: `nests deeper than ${MAX_QUERY_DEPTH} levels` }]));
  if (isWebhookRoute(req)) return next();
  const query = { ...req.query };
  details.push(
    ...prototypeKeys(req.body, '').map((path) => ({ path: path || '(body)', message: 'is a reserved name' })),
    ...prototypeKeys(query, 'query').map((path) => ({ path, message: 'is a reserved name' })),
    ...findBidiControls(req.body).map((path) => ({ path, message: BIDI })),
    ...findBidiControls(query, 'query').map((path) => ({ path, message: BIDI })),
  );
  if (details.length > 0) return next(validationFailed(details.slice(0, 20)));
  next();
}

/** Every component of the path and the query decodes to UTF-8 (a malformed or non-UTF-8 escape does not). */
function decodesAsUtf8(url: string): boolean {
  try {
    for (const part of url.split(/[/?&=]/)) decodeURIComponent(part.replace(/\+/g, ' '));
    return true;
  } catch {
    return false;
  }
}

/** Own keys only, iteratively: the body's depth is already bounded, but this runs on the query too. */
function prototypeKeys(value: unknown, root: string): string[] {
  const found: string[] = [];
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [current, path] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    for (const key of Object.keys(current)) {
      const childPath = Array.isArray(current) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!Array.isArray(current) && PROTOTYPE_KEYS.has(key)) found.push(childPath);
      else stack.push([(current as Record<string, unknown>)[key], childPath]);
    }
  }
  return found.sort();
}
