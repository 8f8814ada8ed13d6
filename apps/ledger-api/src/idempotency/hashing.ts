import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth, so `{a,b}` and `{b,a}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** What an Idempotency-Key is bound to: the endpoint (route template), its decoded path parameters, the body. */
export interface IdempotentRequest {
  readonly endpoint: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly body: unknown;
}

export const canonicalRequest = ({ endpoint, params, body }: IdempotentRequest): string =>
  canonicalJson({ endpoint, params, body: body ?? {} });

/** The unsalted hash stored before issue 29 (case 5): only to match a retry of a record stored then; new records are keyed. */
export function requestHash(request: IdempotentRequest): string {
  return createHash('sha256').update(canonicalRequest(request)).digest('hex');
}
