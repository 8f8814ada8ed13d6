import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '@ledger/platform';
import { START, type EventStore, type Position } from '@ledger/event-store';
import { liveSchemaOf, quoteIdent, type Projection, type ProjectionRebuilder, type RebuilderTuning } from '../runner/projection';
import { applyChunk } from './swap';

/** What filling the shadow tables reports to the rebuild's progress. */
export interface FillProgress {
  timed<T>(work: () => Promise<T>): Promise<T>;
  advance(events: number, position: Position): void;
  report(phase: 'building'): unknown;
}

export function createShadowTables(pool: Pool, projection: Projection, schema: string): Promise<void> {
  return withTransaction(pool, async (client) => {
    await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    for (const table of projection.tables) {
      const live = `${quoteIdent(liveSchemaOf(projection))}.${quoteIdent(table)}`;
      await client.query(`CREATE TABLE ${quoteIdent(schema)}.${quoteIdent(table)} (LIKE ${live} INCLUDING ALL)`);
      await keepIndexNames(client, live, schema, table);
      // LIKE copies column comments but not the table's own.
      const { rows } = await client.query<{ text: string | null }>(`SELECT obj_description($1::regclass, 'pg_class') AS text`, [live]);
      const text = rows[0]?.text;
      if (text) await client.query(`COMMENT ON TABLE ${quoteIdent(schema)}.${quoteIdent(table)} IS '${text.replace(/'/g, "''")}'`);
    }
  });
}

interface IndexRow {
  readonly name: string;
  readonly constraint: string | null;
  readonly shape: string;
}

/**
 * LIKE … INCLUDING ALL names each copied index (and the constraint it backs) after its columns: the shadow table's
 * are renamed to the live table's names, each matched by its definition, so that the swap keeps the names the
 * migrations gave (a later migration drops or alters an index by its name). Renamed through temporary names: a
 * copy's generated name may be another live index's own.
 */
async function keepIndexNames(client: PoolClient, live: string, schema: string, table: string): Promise<void> {
  const shadow = `${quoteIdent(schema)}.${quoteIdent(table)}`;
  const indexesOf = async (relation: string): Promise<IndexRow[]> =>
    (
      await client.query<{ name: string; constraint: string | null; kind: string | null; ddl: string; unique: boolean }>(
        `SELECT i.relname AS name, c.conname AS constraint, c.contype AS kind, x.indisunique AS unique, pg_get_indexdef(x.indexrelid) AS ddl
           FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid
          WHERE x.indrelid = $1::regclass ORDER BY i.relname`,
        [relation],
      )
    ).rows.map((r) => ({
      name: r.name,
      constraint: r.constraint,
      shape: `${r.unique} ${r.kind ?? '-'} ${r.ddl.slice(r.ddl.indexOf(' USING '))}`,
    }));
  const wanted = await indexesOf(live);
  const renames: { from: IndexRow; to: string }[] = [];
  for (const copy of await indexesOf(shadow)) {
    const match = wanted.findIndex((w) => w.shape === copy.shape);
    if (match < 0) continue;
    const [original] = wanted.splice(match, 1);
    if (original.name !== copy.name) renames.push({ from: copy, to: original.name });
  }
  const rename = (row: IndexRow, from: string, to: string) =>
    client.query(
      row.constraint !== null
        ? `ALTER TABLE ${shadow} RENAME CONSTRAINT ${quoteIdent(from)} TO ${quoteIdent(to)}`
        : `ALTER INDEX ${quoteIdent(schema)}.${quoteIdent(from)} RENAME TO ${quoteIdent(to)}`,
    );
  for (const [i, { from }] of renames.entries()) await rename(from, from.name, `rebuild_index_${i}`);
  for (const [i, { from, to }] of renames.entries()) await rename(from, `rebuild_index_${i}`, to);
}

/**
 * Secondary indexes (those backing no constraint) of the shadow tables are
 * dropped while the tables are filled and rebuilt in one pass before the swap:
 * a sorted build is much cheaper than maintaining them row by row.
 * Returns their exact definitions (pg_get_indexdef: same names, same schema).
 */
export async function dropSecondaryIndexes(pool: Pool, schema: string): Promise<string[]> {
  const { rows } = await pool.query<{ name: string; ddl: string }>(
    `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS ddl
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_namespace n ON n.oid = i.relnamespace
      WHERE n.nspname = $1
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
      ORDER BY i.relname`,
    [schema],
  );
  for (const row of rows) await pool.query(`DROP INDEX ${quoteIdent(schema)}.${quoteIdent(row.name)}`);
  return rows.map((r) => r.ddl);
}

/**
 * The primary keys of some shadow tables (a projection's `keysAfterRebuildFill`), dropped for the fill: a key
 * maintained row by row in random order (ids) costs the fill more than one sorted build after it.
 * Returns the statements that add them back (same names, same definitions).
 */
export async function dropPrimaryKeys(pool: Pool, schema: string, tables: readonly string[]): Promise<string[]> {
  if (tables.length === 0) return [];
  const { rows } = await pool.query<{ table: string; name: string; def: string }>(
    `SELECT t.relname AS table, c.conname AS name, pg_get_constraintdef(c.oid) AS def
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND c.contype = 'p' AND t.relname = ANY($2::text[])
      ORDER BY t.relname`,
    [schema, tables],
  );
  const ddl: string[] = [];
  for (const row of rows) {
    const table = `${quoteIdent(schema)}.${quoteIdent(row.table)}`;
    await pool.query(`ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdent(row.name)}`);
    ddl.push(`ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(row.name)} ${row.def}`);
  }
  return ddl;
}

export interface ShadowTables {
  readonly pool: Pool;
  readonly store: EventStore;
  readonly projection: Projection;
  readonly schema: string;
  readonly chunkSize: number;
  readonly streamPrefix: string;
  readonly tuning?: RebuilderTuning;
}

/**
 * Every stored event, read a chunk at a time (the next chunk read while this one is applied), into the shadow
 * tables by the same rules as the live path: the projection's rebuilder folds in memory and flushes when full,
 * or, without one, each chunk is applied as it comes. Stops at the head; the swap applies what came after.
 */
export async function fillShadowTables(target: ShadowTables, progress: FillProgress): Promise<void> {
  const { pool, store, projection, schema, chunkSize, streamPrefix } = target;
  const rebuilder = projection.rebuilder?.({ schema, store }, target.tuning);
  const flushes = new Flushes(() => progress.timed(() => withTransaction(pool, (tx) => (rebuilder as ProjectionRebuilder).flush(tx))));
  const read = (after: Position) => store.readAll({ after: after === START ? undefined : after, maxCount: chunkSize, streamPrefix });
  let next = read(START);
  try {
    for (;;) {
      const events = await next;
      if (events.length === 0) break;
      const position = events[events.length - 1].position;
      next = read(position);
      if (!rebuilder) await progress.timed(() => applyChunk(pool, projection, schema, events, store));
      else {
        await rebuilder.fold(pool, events, () => flushes.inFlight());
        if (rebuilder.full) await flushes.start();
        // A turn of the event loop: a flush in flight gets its replies now, not after the next page's fold
        // (the next page is often read already, and awaiting it would not yield): its transaction stays short.
        await new Promise((resolve) => setImmediate(resolve));
      }
      progress.advance(events.length, position);
      progress.report('building');
      if (events.length < chunkSize) break;
    }
    await next.catch(() => undefined);
    if (rebuilder) await flushes.start();
    await flushes.inFlight();
  } finally {
    // Never leave a flush writing into a schema the caller is about to drop.
    await flushes.inFlight().catch(() => undefined);
  }
}

/**
 * The rebuilder's flushes: one at a time, each a transaction on its own connection, running while the next
 * pages are read and folded. A flush's failure surfaces at the next `start` or `inFlight`.
 */
class Flushes {
  private current: Promise<void> = Promise.resolve();

  constructor(private readonly flush: () => Promise<void>) {}

  /** Waits for the flush in flight, then starts the next. */
  async start(): Promise<void> {
    await this.current;
    this.current = this.flush();
    this.current.catch(() => undefined); // awaited before the next flush, a read and the swap
  }

  /** The flush in flight (settled when there is none). */
  inFlight(): Promise<void> {
    return this.current;
  }
}
