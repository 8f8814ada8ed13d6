import type { PoolClient } from 'pg';
import { quoteIdent } from '../runner/projection';

export interface ColumnSpec {
  readonly name: string;
  /** PostgreSQL element type of the unnest array, e.g. text, bigint, numeric, timestamptz. */
  readonly type: string;
}

export type CellValue = string | number | bigint | boolean | null;

/**
 * One multi-row statement per table and batch:
 * INSERT … SELECT FROM unnest(arrays) ON CONFLICT (keys) DO UPDATE SET c = t.c + EXCLUDED.c.
 */
export async function upsertAdding(
  tx: PoolClient,
  table: string,
  keys: readonly ColumnSpec[],
  counters: readonly ColumnSpec[],
  rows: readonly (readonly CellValue[])[],
): Promise<void> {
  if (rows.length === 0) return;
  const set = counters.map((c) => `${quoteIdent(c.name)} = t.${quoteIdent(c.name)} + EXCLUDED.${quoteIdent(c.name)}`);
  await upsert(tx, table, keys, counters, rows, set);
}

/** Same shape, but the new row replaces every non-key column (current-state tables). */
export async function upsertReplacing(
  tx: PoolClient,
  table: string,
  keys: readonly ColumnSpec[],
  columns: readonly ColumnSpec[],
  rows: readonly (readonly CellValue[])[],
): Promise<void> {
  if (rows.length === 0) return;
  const set = columns.map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`);
  await upsert(tx, table, keys, columns, rows, set);
}

/** Plain multi-row insert (no conflict clause): for rows that must be new. */
export async function insertRows(
  tx: PoolClient,
  table: string,
  columns: readonly ColumnSpec[],
  rows: readonly (readonly CellValue[])[],
): Promise<void> {
  if (rows.length === 0) return;
  const arrays = columns.map((_, i) => rows.map((r) => toParam(r[i])));
  const names = columns.map((c) => quoteIdent(c.name)).join(', ');
  const unnest = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  await tx.query(`INSERT INTO ${table} (${names}) SELECT * FROM unnest(${unnest})`, arrays);
}

async function upsert(
  tx: PoolClient,
  table: string,
  keys: readonly ColumnSpec[],
  others: readonly ColumnSpec[],
  rows: readonly (readonly CellValue[])[],
  set: readonly string[],
): Promise<void> {
  const all = [...keys, ...others];
  const arrays = all.map((_, i) => rows.map((r) => toParam(r[i])));
  const names = all.map((c) => quoteIdent(c.name)).join(', ');
  const unnest = all.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  const conflict = keys.map((c) => quoteIdent(c.name)).join(', ');
  await tx.query(
    `INSERT INTO ${table} AS t (${names}) SELECT * FROM unnest(${unnest})
     ON CONFLICT (${conflict}) DO UPDATE SET ${set.join(', ')}`,
    arrays,
  );
}

function toParam(value: CellValue): string | number | boolean | null {
  return typeof value === 'bigint' ? value.toString() : value;
}

export function tableName(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}
