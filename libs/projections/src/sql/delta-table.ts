import type { PoolClient } from 'pg';
import { tableName, upsertAdding, type CellValue, type ColumnSpec } from './upsert';

export interface DeltaTableSpec<C extends string> {
  readonly table: string;
  readonly keys: readonly ColumnSpec[];
  readonly counters: readonly C[];
  /** Counter column types default to bigint; money sums are numeric. */
  readonly counterTypes?: Partial<Record<C, string>>;
}

/**
 * A batch's changes to one counter table, aggregated in memory into one delta
 * per row, then written with a single multi-row upsert.
 */
export class DeltaTable<C extends string> {
  /** Per row: its key and one running sum per counter (a number while it is a safe integer, then a bigint). */
  private readonly rows = new Map<string, { key: readonly CellValue[]; values: (number | bigint)[] }>();
  private readonly index: Map<string, number>;

  constructor(private readonly spec: DeltaTableSpec<C>) {
    this.index = new Map(spec.counters.map((c, i) => [c, i]));
  }

  add(key: readonly CellValue[], deltas: Partial<Record<C, number | bigint>>): void {
    const id = rowId(key);
    let row = this.rows.get(id);
    if (!row) {
      row = { key, values: new Array<number | bigint>(this.spec.counters.length).fill(0) };
      this.rows.set(id, row);
    }
    const values = row.values;
    for (const column in deltas) {
      const delta = deltas[column] as number | bigint;
      const i = this.index.get(column);
      if (i === undefined) throw new Error(`unknown counter ${column} of ${this.spec.table}`);
      const current = values[i];
      if (typeof current === 'number' && typeof delta === 'number') {
        const sum = current + delta;
        // Exact as long as both operands and the sum are safe integers; otherwise redo it in bigint.
        if (Number.isSafeInteger(sum) && Number.isSafeInteger(delta)) {
          values[i] = sum;
          continue;
        }
      }
      values[i] = BigInt(current) + BigInt(delta);
    }
  }

  get size(): number {
    return this.rows.size;
  }

  /** The rows accumulated so far, each by column name (what specs compare). */
  entries(): Record<string, CellValue>[] {
    return [...this.rows.values()].map(({ key, values }) => {
      const row: Record<string, CellValue> = {};
      this.spec.keys.forEach((column, i) => (row[column.name] = key[i]));
      this.spec.counters.forEach((counter, i) => (row[counter] = values[i]));
      return row;
    });
  }

  async write(tx: PoolClient, schema: string): Promise<void> {
    const { counters, counterTypes = {} } = this.spec;
    const counterSpecs = counters.map((name) => ({ name, type: (counterTypes as Record<string, string>)[name] ?? 'bigint' }));
    const cells = [...this.rows.values()].map((r) => [...r.key, ...r.values.map((v) => BigInt(v))]);
    await upsertAdding(tx, tableName(schema, this.spec.table), this.spec.keys, counterSpecs, cells);
  }
}

/** Map key of a row: its key cells joined (all strings, the common case), else their JSON. */
function rowId(key: readonly CellValue[]): string {
  let id = '';
  for (const cell of key) {
    if (typeof cell !== 'string' || cell.includes('\u0000')) return `j${JSON.stringify(key)}`;
    id += `\u0000${cell}`;
  }
  return id;
}
