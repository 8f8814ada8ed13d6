const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const MAX_MS = 5 * 365 * 86_400_000;

export class ApiKeyExpiryError extends Error {
  readonly code = 'invalid_expiry';
}

/**
 * When a new key expires: `--expires-in 30d` (m, h, d or w) or `--expires-at`
 * an ISO 8601 date-time with an offset (`2027-01-31T00:00:00Z`). Neither: the
 * key does not expire. The moment must be in the future and within 5 years:
 * a typo should not mint a key for ever.
 */
export function resolveApiKeyExpiry(options: { expiresIn?: string; expiresAt?: string }, now = new Date()): Date | null {
  if (options.expiresIn !== undefined && options.expiresAt !== undefined) {
    throw new ApiKeyExpiryError('give --expires-in or --expires-at, not both');
  }
  let at: Date | null = null;
  if (options.expiresIn !== undefined) {
    const m = /^(\d{1,6})([mhdw])$/.exec(options.expiresIn.trim());
    if (!m) throw new ApiKeyExpiryError(`--expires-in "${options.expiresIn}" is not a duration such as 90m, 12h, 30d or 4w`);
    at = new Date(now.getTime() + Number(m[1]) * UNIT_MS[m[2]]);
  } else if (options.expiresAt !== undefined) {
    const text = options.expiresAt.trim();
    const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ? Date.parse(text) : NaN;
    if (Number.isNaN(ms))
      throw new ApiKeyExpiryError(
        `--expires-at "${options.expiresAt}" is not an ISO 8601 date-time with offset (e.g. 2027-01-31T00:00:00Z)`,
      );
    at = new Date(ms);
  }
  if (at === null) return null;
  if (at.getTime() <= now.getTime()) throw new ApiKeyExpiryError('the expiry must be in the future');
  if (at.getTime() - now.getTime() > MAX_MS) throw new ApiKeyExpiryError('the expiry must be within 5 years');
  return at;
}
