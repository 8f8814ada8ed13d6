import type { Request } from 'express';

/** Headers whose values we store (event metadata, idempotency records, Redis keys), log or echo. */
export const COPIED_HEADERS = ['Idempotency-Key', 'X-Request-Id'] as const;

const WEBHOOK_ROUTE = /^\/v1\/webhooks\/(?:stripe|paystack)\/?$/i;

/** A provider's payload is not ours to refuse: the webhook controller masks it instead. */
export const isWebhookRoute = (req: Request): boolean => WEBHOOK_ROUTE.test(req.path);

/**
 * The path as routing and handlers will see it: percent-decoded, repeatedly
 * (a double-encoded `%2534` is a `4` to anyone who decodes twice). Malformed
 * escapes are decoded byte by byte rather than skipped.
 */
export function decodedPath(raw: string): string {
  let path = raw;
  for (let round = 0; round < 3; round++) {
    let next: string;
    try {
      next = decodeURIComponent(path);
    } catch {
      next = path.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
    if (next === path) break;
    path = next;
  }
  return path;
}

/** Fields where tab, newline and carriage return are text: `description` and the values of `metadata`. */
export function isFreeTextField(path: string): boolean {
  return path === 'description' || /^metadata(?:\.[A-Za-z_$][\w$]*|\["(?:[^"\\]|\\.)*"\])$/.test(path);
}
