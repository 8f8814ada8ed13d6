import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export type Cell = string | number | boolean | null;

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe SQL identifier: ${name}`);
  return `"${name}"`;
}

export function tableIn(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** One multi-row statement: INSERT … SELECT FROM unnest(arrays) [ON CONFLICT …]. `columns`: [name, element type]. */
export async function insertUnnest(
  tx: Pick<PoolClient, 'query'>,
  table: string,
  columns: readonly (readonly [string, string])[],
  rows: readonly (readonly Cell[])[],
  onConflict = '',
): Promise<void> {
  if (rows.length === 0) return;
  const arrays = columns.map((_, i) => rows.map((r) => r[i]));
  const names = columns.map(([name]) => quoteIdent(name)).join(', ');
  const unnest = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  await tx.query(`INSERT INTO ${table} AS t (${names}) SELECT * FROM unnest(${unnest}) ${onConflict}`, arrays);
}

const ROWS_PER_BUFFER = 2_000;
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;
const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A text in COPY's text format (backslash, tab and line breaks escaped), null and undefined as \N. */
export function copyText(value: string | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  return COPY_SPECIAL.test(value) ? value.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c]) : value;
}

function* copyBuffers<T>(items: readonly T[], render: (item: T, index: number) => string): Generator<Buffer> {
  let text = '';
  for (let i = 0; i < items.length; i += 1) {
    text += render(items[i], i);
    if ((i + 1) % ROWS_PER_BUFFER === 0) {
      yield Buffer.from(text, 'utf8');
      text = '';
    }
  }
  if (text.length > 0) yield Buffer.from(text, 'utf8');
}

/**
 * New rows by COPY (text format): cheaper for PostgreSQL than INSERT … SELECT FROM unnest(arrays), whose array
 * literals it parses column by column, and for Node than pg's array encoding. `render` gives an item's rows (the item and its index), each
 * ended by a newline, its values through `copyText` (numbers and t/f as they are). No ON CONFLICT: a row already
 * there is a unique violation, as a plain INSERT's would be.
 */
export async function copyRows<T>(
  tx: Pick<PoolClient, 'query'>,
  table: string,
  columns: readonly string[],
  items: readonly T[],
  render: (item: T, index: number) => string,
): Promise<void> {
  if (items.length === 0) return;
  const copy = tx.query(copyFrom(`COPY ${table} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(copyBuffers(items, render)), copy);
}
