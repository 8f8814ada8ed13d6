import { detectBrand, type CardBrand } from './brands';
import { luhnValid } from './luhn';

export interface PanMatch {
  /** Offsets into the scanned text, end exclusive; the range may include separators. */
  start: number;
  end: number;
  brand: CardBrand;
  last4: string;
}

const MIN_PAN = 13;
const MAX_PAN = 19;
// Digits joined by at most one space or dash; each match is a maximal run.
const DIGIT_RUN = /\d(?:[ -]?\d)*/g;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

interface Group {
  start: number;
  end: number;
  digits: string;
}

/**
 * Luhn-valid card numbers of a real brand's prefix and length. Inside a run of
 * separated digit groups every window of whole groups is tried, so a PAN next
 * to another number ("order 12 4111 1111 1111 1111") is still found; an
 * unbroken run longer than 19 digits is an ordinary number, not a PAN.
 */
export function findPans(text: string): PanMatch[] {
  // UUIDs are blanked first: their all-digit groups can look like a dashed PAN.
  const scannable = text.replace(UUID, (uuid) => 'x'.repeat(uuid.length));
  const matches: PanMatch[] = [];
  for (const run of scannable.matchAll(DIGIT_RUN)) {
    const groups = [...run[0].matchAll(/\d+/g)].map((g) => {
      const start = run.index + g.index;
      return { start, end: start + g[0].length, digits: g[0] };
    });
    matches.push(...pansInGroups(groups));
  }
  return matches;
}

export function containsPan(text: string): boolean {
  return findPans(text).length > 0;
}

export function maskedPan(last4: string): string {
  return `**** **** **** ${last4}`;
}

/** Replaces every PAN in `text`, keeping only its last four digits. */
export function maskPans(
  text: string,
  render: (match: PanMatch, text: string) => string = (m) => maskedPan(m.last4),
): string {
  let out = '';
  let cursor = 0;
  for (const match of findPans(text)) {
    out += text.slice(cursor, match.start) + render(match, text);
    cursor = match.end;
  }
  return out + text.slice(cursor);
}

function pansInGroups(groups: Group[]): PanMatch[] {
  const found: PanMatch[] = [];
  let i = 0;
  while (i < groups.length) {
    const match = longestPanFrom(groups, i);
    if (match) {
      found.push(match.pan);
      i = match.next;
    } else {
      i++;
    }
  }
  return found;
}

function longestPanFrom(groups: Group[], from: number): { pan: PanMatch; next: number } | null {
  const windows: { digits: string; last: number }[] = [];
  let digits = '';
  for (let j = from; j < groups.length; j++) {
    digits += groups[j].digits;
    if (digits.length > MAX_PAN) break;
    if (digits.length >= MIN_PAN) windows.push({ digits, last: j });
  }
  for (const w of windows.reverse()) {
    const brand = luhnValid(w.digits) ? detectBrand(w.digits) : null;
    if (brand) {
      const pan = { start: groups[from].start, end: groups[w.last].end, brand, last4: w.digits.slice(-4) };
      return { pan, next: w.last + 1 };
    }
  }
  return null;
}
