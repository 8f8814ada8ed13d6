import { isCardDataKey, isCardLikeKey, isCardLikePath, isPlainObject, hasContent, looksLikeCardObject } from './card-keys';
import { replaceControlCharacters } from '../input/control-chars';
import { containsPan, findPans, maskPans, type PanMatch } from './find-pans';

export const REDACTED = '[REDACTED]';

export class CardDataRejectedError extends Error {
  readonly code = 'card_data_rejected';
  readonly fields: string[];

  constructor(fields: string[]) {
    super(`Card data is not accepted; remove it from: ${fields.join(', ')}`);
    this.name = 'CardDataRejectedError';
    this.fields = fields;
  }
}

/**
 * Field paths (`metadata.note`, `items[2].pan`) that hold card data. Only keys
 * go into a path, and a key that itself contains a PAN is masked, so the
 * result is safe to return to the client and to log.
 */
export function scanForCardData(value: unknown, rootPath = ''): string[] {
  const found = new Set<string>();
  scan(value, rootPath, isCardLikePath(rootPath), found, new Set());
  return [...found];
}

export function assertNoCardData(value: unknown, rootPath = ''): void {
  const fields = scanForCardData(value, rootPath);
  if (fields.length > 0) throw new CardDataRejectedError(fields);
}

/**
 * Deep copy for payloads we must accept but not store raw (provider webhooks):
 * PANs in strings keep only their last four digits, card-data keys become
 * `[REDACTED]`. A number holding a PAN becomes a masked string. Control
 * characters (but tab and line breaks) and unpaired surrogates become U+FFFD:
 * a payload we cannot refuse must still be storable.
 */
export function maskCardData<T>(value: T): T {
  return mask(value, false, new Set()) as T;
}

/** Every PAN in the strings, numbers and keys of a value, each scanned on its own (for reports: brand and last four). */
export function findPansIn(value: unknown, ancestors = new Set<object>()): PanMatch[] {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return findPans(String(value));
  if (typeof value !== 'object' || value === null || ancestors.has(value)) return [];
  ancestors.add(value);
  const found = Array.isArray(value)
    ? value.flatMap((item) => findPansIn(item, ancestors))
    : Object.entries(value).flatMap(([key, child]) => [...findPans(key), ...findPansIn(child, ancestors)]);
  ancestors.delete(value);
  return found;
}

function scan(value: unknown, path: string, inCard: boolean, found: Set<string>, ancestors: Set<object>): void {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    if (containsPan(String(value))) found.add(path);
    return;
  }
  if (typeof value !== 'object' || value === null || ancestors.has(value)) return;
  ancestors.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, i) => scan(item, `${path}[${i}]`, inCard, found, ancestors));
  } else if (isPlainObject(value)) {
    const cardObject = inCard || looksLikeCardObject(value);
    for (const [key, child] of Object.entries(value)) {
      const childPath = joinPath(path, key);
      if (containsPan(key) || (isCardDataKey(key, cardObject) && holdsData(child))) found.add(childPath);
      else scan(child, childPath, isCardLikeKey(key), found, ancestors);
    }
  }
  ancestors.delete(value);
}

function mask(value: unknown, inCard: boolean, ancestors: Set<object>): unknown {
  if (typeof value === 'string') return maskPans(replaceControlCharacters(value));
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) return REDACTED;
  if (typeof value === 'number' || typeof value === 'bigint') {
    const text = String(value);
    return containsPan(text) ? maskPans(text) : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.has(value)) return '[Circular]';
  ancestors.add(value);
  let copy: unknown = value;
  if (Array.isArray(value)) {
    copy = value.map((item) => mask(item, inCard, ancestors));
  } else if (isPlainObject(value)) {
    const cardObject = inCard || looksLikeCardObject(value);
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const masked = isCardDataKey(key, cardObject) && holdsData(child) ? REDACTED : mask(child, isCardLikeKey(key), ancestors);
      // Defined, not assigned: an own `__proto__` key stays an own property and never becomes the copy's prototype.
      Object.defineProperty(out, maskPans(replaceControlCharacters(key)), {
        value: masked,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    copy = out;
  }
  ancestors.delete(value);
  return copy;
}

/** Already-redacted values count as empty, so a masked payload scans clean. */
const holdsData = (value: unknown): boolean => value !== REDACTED && hasContent(value);

function joinPath(path: string, key: string): string {
  const safeKey = maskPans(key);
  if (/^[A-Za-z_$][\w$]*$/.test(safeKey)) return path ? `${path}.${safeKey}` : safeKey;
  return `${path}[${JSON.stringify(safeKey)}]`;
}
