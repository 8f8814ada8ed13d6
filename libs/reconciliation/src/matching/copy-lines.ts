import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { LineRow } from './batch-state';

const COLUMNS = [
  'provider',
  'line_id',
  'payout_id',
  'category',
  'currency',
  'gross',
  'fee',
  'net',
  'status',
  'payment_id',
  'break_id',
  'refs',
  'fx_amount',
  'fx_currency',
  'line',
] as const;

const ROWS_PER_BUFFER = 2_000;

/**
 * A batch's new lines, its bulk (100,000 in a large report), by COPY straight into the table: cheaper than one
 * INSERT … ON CONFLICT of column arrays, whose arbiter checks and parameter parsing cost more than the insert itself
 * (BENCHMARKS.md › issue 32). The caller passes only lines it did not find stored; should one be there after all
 * (a late fact rematches a stored suspended line), the COPY is undone to its savepoint and false is returned, for
 * the caller's upsert.
 */
export async function copyNewLines(tx: PoolClient, table: string, rows: readonly LineRow[]): Promise<boolean> {
  if (rows.length === 0) return true;
  await tx.query('SAVEPOINT reconciliation_copy_lines');
  try {
    const copy = tx.query(copyFrom(`COPY ${table} (${COLUMNS.join(', ')}) FROM STDIN`));
    await pipeline(Readable.from(buffers(inKeyOrder(rows))), copy);
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    await tx.query('ROLLBACK TO SAVEPOINT reconciliation_copy_lines');
    return false;
  }
  await tx.query('RELEASE SAVEPOINT reconciliation_copy_lines');
  return true;
}

const UNIQUE_VIOLATION = '23505';

/**
 * The rows in their primary key's order: each insert into the key's B-tree lands next to the one before (pages in
 * cache, no search from the root's far side), where a report's order scatters them.
 */
function inKeyOrder(rows: readonly LineRow[]): LineRow[] {
  return [...rows].sort((a, b) =>
    a.provider !== b.provider ? (a.provider < b.provider ? -1 : 1) : a.line_id < b.line_id ? -1 : a.line_id > b.line_id ? 1 : 0,
  );
}

function* buffers(rows: readonly LineRow[]): Generator<Buffer> {
  let text = '';
  for (let i = 0; i < rows.length; i += 1) {
    text += copyRow(rows[i]);
    if ((i + 1) % ROWS_PER_BUFFER === 0) {
      yield Buffer.from(text, 'utf8');
      text = '';
    }
  }
  if (text.length > 0) yield Buffer.from(text, 'utf8');
}

function copyRow(r: LineRow): string {
  return `${[
    copyText(r.provider),
    copyText(r.line_id),
    copyText(r.payout_id),
    copyText(r.category),
    copyText(r.currency),
    String(r.gross),
    String(r.fee),
    String(r.net),
    copyText(r.status),
    copyText(r.payment_id),
    copyText(r.break_id),
    copyText(textArray(r.refs)),
    r.fx_amount === null ? NULL : String(r.fx_amount),
    copyText(r.fx_currency),
    r.line === null || r.line === undefined ? NULL : copyText(JSON.stringify(r.line)),
  ].join('\t')}\n`;
}

const NULL = '\\N';
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;
const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in COPY's text format: backslash, tab, newline and carriage return escaped; null as \N. */
function copyText(value: string | null): string {
  if (value === null) return NULL;
  return COPY_SPECIAL.test(value) ? value.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c]) : value;
}

/** A text[] literal: every element quoted, its quotes and backslashes escaped. */
function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}
