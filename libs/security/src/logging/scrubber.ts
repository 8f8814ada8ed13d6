import { isSensitiveKey } from '../card-data/card-keys';
import { maskedPan, maskPans, type PanMatch } from '../card-data/find-pans';
import { maskCardData, scanForCardData } from '../card-data/pci-guard';

const REDACTED = '[REDACTED]';
type Rule = readonly [RegExp, (match: string, ...groups: string[]) => string];

// `key<sep>value` where the key may be JSON-quoted, also inside an escaped JSON
// string (\"cvc\":\"123\") as happens when a body is logged as a message.
const KEY_VALUE = (key: string, value: string): RegExp =>
  new RegExp(`(^|[^A-Za-z0-9])(${key})(\\\\?["']?\\s*[:=]\\s*)(\\\\?["']?)(?!\\[REDACTED\\])(${value})`, 'gi');

// Any `name=value` in free text; the name is judged by the same rule as the API guard's (card-keys.ts).
const CARD_FIELD = KEY_VALUE('[A-Za-z][A-Za-z0-9_-]*', `[^\\s"'\\\\,;&{}[\\]]+`);
const SECRET_FIELD = KEY_VALUE(
  '[A-Za-z0-9_-]*?(?:secret|password|passwd|key|(?:access|refresh|id|auth)[_-]?token)',
  '[A-Za-z0-9+/_=.-]{8,}(?![A-Za-z0-9+/_=.\\-[])',
);

/** A JSON number redacted in place must become a string, or the log line stops being JSON. */
function redactValue(pre: string, key: string, sep: string, quote: string): string {
  const jsonQuote = quote === '' ? (/^\\"/.test(sep) ? '\\"' : sep.startsWith('"') ? '"' : '') : '';
  return `${pre}${key}${sep}${quote}${jsonQuote}${REDACTED}${jsonQuote}`;
}

const RULES: readonly Rule[] = [
  [/\b(Bearer|Basic)\s+(?!\[REDACTED\])[A-Za-z0-9\-._~+/]+=*/gi, (_m, scheme) => `${scheme} ${REDACTED}`],
  [/whsec_[A-Za-z0-9+/=_-]+/g, () => `whsec_${REDACTED}`],
  [/\b((?:sk|rk)_(?:live|test))_[A-Za-z0-9]+/g, (_m, prefix) => `${prefix}_${REDACTED}`],
  // Our API keys keep their (non-secret) id so a log line still says which key acted.
  [/\blk_[A-Za-z0-9_-]{20,}/g, (m) => (m.length >= 36 && m[15] === '_' ? m.slice(0, 16) : 'lk_') + REDACTED],
  [CARD_FIELD, (m, pre, key, sep, quote) => (isSensitiveKey(key) ? redactValue(pre, key, sep, quote) : m)],
  [
    SECRET_FIELD,
    (m, pre, key, sep, quote, value) =>
      /idempotency/i.test(key) || (!/pass/i.test(key) && value.length < 16) ? m : redactValue(pre, key, sep, quote),
  ],
];

/**
 * Masks card numbers to their last four digits and redacts CVCs, PINs, bearer
 * tokens, provider secrets and our API keys in any text, including a
 * serialized log line.
 */
export function scrubText(text: string): string {
  let out = maskCardDataByValue(text);
  for (const [pattern, replace] of RULES) out = out.replace(pattern, replace);
  return out;
}

/**
 * A JSON line is masked value by value (the detector never joins two fields
 * or list items, and sees escaped tabs or newlines as the characters they
 * are); any other text is one value.
 */
function maskCardDataByValue(text: string): string {
  const json = parseJson(text);
  if (json === undefined) return maskPans(text, renderPan);
  if (scanForCardData(json).length === 0 && !hasInexactNumber(json)) return text;
  return JSON.stringify(maskCardData(json)) + text.slice(text.trimEnd().length);
}

function parseJson(text: string): unknown {
  if (!/^\s*[{[]/.test(text)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A bare integer past 2^53 was rounded by JSON.parse: its digits can no longer be checked, so it is masked. */
function hasInexactNumber(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value);
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some(hasInexactNumber);
}

function renderPan(match: PanMatch, text: string): string {
  const masked = maskedPan(match.last4);
  const bareNumber =
    !insideJsonString(text, match.start) &&
    /^\d+$/.test(text.slice(match.start, match.end)) &&
    /[:[,]\s*$/.test(text.slice(Math.max(0, match.start - 8), match.start)) &&
    /^\s*(?:[,}\]]|$)/.test(text.slice(match.end, match.end + 8));
  return bareNumber ? `"${masked}"` : masked;
}

/** Whether `pos` lies inside a double-quoted string: an odd number of unescaped quotes before it. */
function insideJsonString(text: string, pos: number): boolean {
  let inside = false;
  for (let i = 0; i < pos; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') inside = !inside;
  }
  return inside;
}
