import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { ReportFormatError } from './major-to-minor';

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * RFC 4180 records of a streamed CSV file, each an array of its fields: quoted fields (with `""` for a quote, commas
 * and line breaks inside), LF or CRLF line ends, a leading byte order mark, blank lines skipped. A quote inside an
 * unquoted field, or text after a closing quote, is refused. csv-parse did this before at about a tenth of the speed
 * (a 100,000-line report took ~1.7 s to split, most of the import's time: BENCHMARKS.md › issue 32).
 */
export async function* csvRecords(input: Readable): AsyncGenerator<string[][]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let first = true;
  for await (const chunk of input) {
    let text = rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer));
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    const { records, consumed } = splitRecords(text, false);
    rest = text.slice(consumed);
    if (records.length > 0) yield records;
  }
  const text = rest + decoder.end();
  const { records } = splitRecords(first && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, true);
  if (records.length > 0) yield records;
}

/** The complete records of `text` and how many characters they took; at the end (`final`) the last one needs no line end. */
function splitRecords(text: string, final: boolean): { records: string[][]; consumed: number } {
  const records: string[][] = [];
  const length = text.length;
  let start = 0;
  let i = 0;
  let fields: string[] = [];
  for (;;) {
    if (i >= length) {
      if (final && (fields.length > 0 || i > start)) records.push(fields);
      return { records, consumed: final ? length : start };
    }
    let value: string;
    if (text.charCodeAt(i) === QUOTE) {
      let parts = '';
      let from = i + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close < 0) {
          if (final) throw new ReportFormatError('the CSV has a quoted field that never closes');
          return { records, consumed: start };
        }
        if (close + 1 >= length && !final) return { records, consumed: start };
        if (text.charCodeAt(close + 1) === QUOTE) {
          parts += text.slice(from, close + 1);
          from = close + 2;
          continue;
        }
        value = parts + text.slice(from, close);
        i = close + 1;
        break;
      }
      const next = i < length ? text.charCodeAt(i) : LF;
      if (next !== COMMA && next !== LF && next !== CR) throw new ReportFormatError('the CSV has text after a closing quote');
    } else {
      let j = i;
      let c: number;
      while (j < length && (c = text.charCodeAt(j)) !== COMMA && c !== LF && c !== CR) {
        if (c === QUOTE) throw new ReportFormatError('the CSV has a quote inside an unquoted field');
        j += 1;
      }
      value = text.slice(i, j);
      i = j;
    }
    fields.push(value);
    if (i >= length) continue;
    const c = text.charCodeAt(i);
    if (c === COMMA) {
      i += 1;
      if (i >= length && final) fields.push('');
      continue;
    }
    // A line end: CRLF or LF (a CR at the chunk's end waits for what follows).
    if (c === CR) {
      if (i + 1 >= length && !final) return { records, consumed: start };
      i += text.charCodeAt(i + 1) === LF ? 2 : 1;
    } else i += 1;
    if (!(fields.length === 1 && fields[0] === '' && text.charCodeAt(start) !== QUOTE)) records.push(fields);
    fields = [];
    start = i;
  }
}
