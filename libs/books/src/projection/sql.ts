import type { PoolClient } from 'pg';

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
