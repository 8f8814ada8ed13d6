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
  private readonly rows = new Map<string, { key: readonly CellValue[]; values: Map<C, bigint> }>();

  constructor(private readonly spec: DeltaTableSpec<C>) {}

  add(key: readonly CellValue[], deltas: Partial<Record<C, number | bigint>>): void {
    const id = JSON.stringify(key);
    let row = this.rows.get(id);
    if (!row) {
      row = { key, values: new Map() };
      this.rows.set(id, row);
    }
    for (const [column, delta] of Object.entries(deltas) as [C, number | bigint][]) {
      row.values.set(column, (row.values.get(column) ?? 0n) + BigInt(delta));
    }
  }

  get size(): number {
    return this.rows.size;
  }

  async write(tx: PoolClient, schema: string): Promise<void> {
    const { counters, counterTypes = {} } = this.spec;
    const counterSpecs = counters.map((name) => ({ name, type: (counterTypes as Record<string, string>)[name] ?? 'bigint' }));
    const cells = [...this.rows.values()].map((r) => [...r.key, ...counters.map((c) => r.values.get(c) ?? 0n)]);
    await upsertAdding(tx, tableName(schema, this.spec.table), this.spec.keys, counterSpecs, cells);
  }
}
