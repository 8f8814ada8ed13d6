/**
 * Digits as a reader sees them. Each code point is NFKC-normalised (fullwidth,
 * circled and mathematical digits become ASCII) and every Unicode decimal
 * digit (`\p{Nd}`: Arabic-Indic, Devanagari, …) counts by its value. Digits
 * stay in one run across any number of characters that are neither letters
 * nor numbers (spaces, dots, slashes, dashes, newlines, …): only a letter ends
 * a run. How far apart a card number's digits may be is bounded per window
 * (MAX_PAN_SPAN in find-pans.ts), not per gap, so no count of separators hides one.
 */
export interface DigitRun {
  /** ASCII digits of the run. */
  readonly digits: string;
  /** Per digit: its UTF-16 offsets in the scanned text, end exclusive. */
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

const DECIMAL_DIGIT = /^\p{Nd}$/u;
const INVISIBLE = /^[\p{Default_Ignorable_Code_Point}\p{M}]$/u;
const ALPHANUMERIC = /^[\p{L}\p{N}]$/u;
const zeroOf = new Map<number, number>();

/** Value of a decimal digit of any script, or -1. Unicode encodes each script's 0–9 contiguously, in order. */
export function digitValue(char: string): number {
  const cp = char.codePointAt(0)!;
  if (cp >= 48 && cp <= 57) return cp - 48;
  if (cp < 0x80 || !DECIMAL_DIGIT.test(char)) return -1;
  let zero = zeroOf.get(cp);
  if (zero === undefined) {
    let first = cp;
    while (DECIMAL_DIGIT.test(String.fromCodePoint(first - 1))) first--;
    zero = first;
    zeroOf.set(cp, zero);
  }
  return (cp - zero) % 10;
}

type Kind = 'digit' | 'invisible' | 'word' | 'separator';

function kindOf(char: string): Kind {
  const cp = char.codePointAt(0)!;
  if (cp < 0x80) {
    if (cp >= 48 && cp <= 57) return 'digit';
    return (cp | 32) >= 97 && (cp | 32) <= 122 ? 'word' : 'separator';
  }
  if (digitValue(char) >= 0) return 'digit';
  if (INVISIBLE.test(char)) return 'invisible';
  return ALPHANUMERIC.test(char) ? 'word' : 'separator';
}

export function digitRuns(text: string): DigitRun[] {
  const runs: DigitRun[] = [];
  let digits = '';
  let starts: number[] = [];
  let ends: number[] = [];
  const close = () => {
    if (digits !== '') runs.push({ digits, starts, ends });
    digits = '';
    starts = [];
    ends = [];
  };
  let offset = 0;
  for (const codePoint of text) {
    const start = offset;
    offset += codePoint.length;
    const normalised = codePoint.charCodeAt(0) < 0x80 ? codePoint : codePoint.normalize('NFKC');
    for (const char of normalised) {
      const kind = kindOf(char);
      if (kind === 'digit') {
        digits += String(digitValue(char));
        starts.push(start);
        ends.push(offset);
      } else if (kind === 'word') {
        close();
      }
    }
  }
  close();
  return runs;
}
