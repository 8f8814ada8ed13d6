import { detectBrand, type CardBrand } from './brands';
import { digitRuns, type DigitRun } from './digit-runs';
import { luhnValid } from './luhn';

export interface PanMatch {
  /** Offsets into the scanned text, end exclusive; the range may include separators. */
  start: number;
  end: number;
  brand: CardBrand;
  last4: string;
}

export const MIN_PAN = 13;
export const MAX_PAN = 19;
/**
 * The most characters one card number may span, first digit to last, separators included: the
 * longest identifier we accept (an Idempotency-Key, 255), so no identifier can hide a number by
 * spreading its digits out, while digits far apart in free text are not joined into one.
 */
export const MAX_PAN_SPAN = 255;
// Exempt shapes, blanked before the scan. Generated UUIDs (RFC 9562 variant, 8–b): their digit
// groups can chain into a Luhn-valid window, and they are every client's request id, also behind a
// prefix (`c-<uuid>`, `pi_<uuid>`). Never with digits before or after it across separators only, so no card number's digits chain into one.
const UUID =
  /(?<![0-9a-f])(?<!\p{N}[^\p{L}\p{N}]*)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}(?![0-9a-f])(?![^\p{L}\p{N}]*\p{N})/giu;
// A fraction below one as random-number generators print it (`0.8123456789012345`): its 13+
// digits would hold a Luhn-valid window more often than not, and no card number starts with `0.`.
const RANDOM_FRACTION = /(?<![\d.,])0\.\d{13,}(?!\d)/g;
// An ISO 8601 / SQL date-time with valid fields: with microseconds and an offset its time alone is a 16-digit run.
const DATE_TIME =
  /(?<!\d)\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?(?!\d)/g;
// IPv4 addresses, with a port, alone or in a comma-separated list (`127.0.0.1:2113,127.0.0.1:2123`, a cluster's
// connection string): the list's digits chain into Luhn-valid windows. An octet is 0–255 without a leading zero, so
// a card number's four-digit groups never take this shape; like a date-time, it is blanked to separators, so a card
// number written around one still chains into one run.
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const PORT = '(?::(?:6553[0-5]|655[0-2]\\d|65[0-4]\\d{2}|6[0-4]\\d{3}|[1-5]\\d{4}|[1-9]\\d{0,3}))?';
const IPV4_ADDRESS = `${OCTET}(?:\\.${OCTET}){3}${PORT}`;
const IPV4_LIST = new RegExp(`(?<![\\p{N}.])${IPV4_ADDRESS}(?:, ?${IPV4_ADDRESS})*(?!\\.?\\p{N})`, 'gu');
const EXEMPT = [UUID, RANDOM_FRACTION, DATE_TIME, IPV4_LIST];
// Blanked to separators, not letters: an exempt value's digits drop out, but a card number written
// around one (`4111 1111 <date-time> 1111 1111`) still chains into one run.
const blank = (match: string): string => ' '.repeat(match.length);

/**
 * Luhn-valid numbers of a real brand's prefix and length, found in one value.
 * Every 13–19-digit window of every digit run that spans at most MAX_PAN_SPAN
 * characters is tried, whatever separators stand between its digits, so digits glued to a
 * card number ("ref 00124111111111111111") do not hide it. Overlapping hits
 * merge into one match that covers them all.
 */
export function findPans(text: string): PanMatch[] {
  if (tooFewDigits(text)) return [];
  const scannable = EXEMPT.reduce((out, shape) => out.replace(shape, blank), text);
  return digitRuns(scannable).flatMap(pansInRun);
}

export function containsPan(text: string): boolean {
  return findPans(text).length > 0;
}

export function maskedPan(last4: string): string {
  return `**** **** **** ${last4}`;
}

/** Replaces every PAN in `text`, keeping only its last four digits. */
export function maskPans(text: string, render: (match: PanMatch, text: string) => string = (m) => maskedPan(m.last4)): string {
  let out = '';
  let cursor = 0;
  for (const match of findPans(text)) {
    out += text.slice(cursor, match.start) + render(match, text);
    cursor = match.end;
  }
  return out + text.slice(cursor);
}

/** Most values hold no 13 ASCII digits and nothing but ASCII: no card number can be in them. */
function tooFewDigits(text: string): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return false;
    if (c >= 48 && c <= 57 && ++digits >= MIN_PAN) return false;
  }
  return true;
}

function pansInRun(run: DigitRun): PanMatch[] {
  const { digits } = run;
  if (digits.length < MIN_PAN) return [];
  const found: PanMatch[] = [];
  for (let from = 0; from + MIN_PAN <= digits.length; from++) {
    const length = longestPanAt(run, from);
    if (length === 0) continue;
    const to = from + length - 1;
    const window = digits.slice(from, to + 1);
    const last = found.at(-1);
    const match = { start: run.starts[from], end: run.ends[to], brand: detectBrand(window)!, last4: window.slice(-4) };
    if (last && match.start < last.end) {
      if (match.end > last.end) Object.assign(last, { end: match.end, brand: match.brand, last4: match.last4 });
    } else {
      found.push(match);
    }
  }
  return found;
}

function longestPanAt({ digits, starts, ends }: DigitRun, from: number): number {
  for (let length = Math.min(MAX_PAN, digits.length - from); length >= MIN_PAN; length--) {
    if (ends[from + length - 1] - starts[from] > MAX_PAN_SPAN) continue;
    const window = digits.slice(from, from + length);
    if (luhnValid(window) && detectBrand(window) !== null) return length;
  }
  return 0;
}
