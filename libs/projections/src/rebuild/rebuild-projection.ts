import type { Pool } from 'pg';
import { withTransaction } from '@ledger/platform';
import { PAYMENT_STREAM_PREFIX } from '@ledger/payments-domain';
import { START, type EventStore, type Position } from '@ledger/event-store';
import { READ_MODELS_SCHEMA, quoteIdent, type Projection } from '../runner/projection';
import { projectionByName } from '../projections';
import type { OnBatch } from '../runner/projection-runner';
import { applyChunk, swapIn } from './swap';

export interface RebuildProgress {
  readonly projection: string;
  readonly eventsDone: number;
  readonly eventsPerSecond: number;
  readonly position: Position;
  readonly phase: 'building' | 'swapping' | 'done';
}

export interface RebuildOptions {
  readonly pool: Pool;
  readonly store: EventStore;
  /** Events per committed chunk (short transactions keep the store's visibility horizon moving). */
  readonly chunkSize?: number;
  readonly streamPrefix?: string;
  readonly onProgress?: (progress: RebuildProgress) => void;
  /**
   * The live runner's hook (the alerts): history is never replayed into it, only the events the rebuild
   * read past the live checkpoint, which the live runner will not see once the checkpoint moves past them.
   */
  readonly onBatch?: OnBatch;
}

/**
 * Rebuilds a projection from position 0 into a fresh schema beside the live
 * tables (which keep serving and keep being updated), then swaps the new
 * tables in atomically and drops the old ones.
 */
export async function rebuildProjection(name: string, options: RebuildOptions): Promise<RebuildProgress> {
  const projection = projectionByName(name);
  const { pool, store, chunkSize = 5000, streamPrefix = PAYMENT_STREAM_PREFIX } = options;
  const schema = `read_models_rebuild_${name}_${Date.now().toString(36)}`;
  await createShadowTables(pool, projection, schema);
  const started = Date.now();
  let position: Position = START;
  let done = 0;
  const report = (phase: RebuildProgress['phase']): RebuildProgress => {
    const progress = {
      projection: name,
      eventsDone: done,
      eventsPerSecond: done / Math.max((Date.now() - started) / 1000, 1e-3),
      position,
      phase,
    };
    options.onProgress?.(progress);
    return progress;
  };
  const read = (after: Position) => store.readAll({ after: after === START ? undefined : after, maxCount: chunkSize, streamPrefix });
  try {
    const deferred = await dropSecondaryIndexes(pool, schema);
    let next = read(position);
    for (;;) {
      const events = await next;
      if (events.length === 0) break;
      position = events[events.length - 1].position;
      // Reading the next chunk overlaps writing this one.
      next = read(position);
      await applyChunk(pool, projection, schema, events);
      done += events.length;
      report('building');
      // At the head: whatever the live tables gained meanwhile is applied inside the swap transaction.
      if (events.length < chunkSize) break;
    }
    await next.catch(() => undefined);
    // Built before the swap, so the catch-up inside it and the live tables afterwards have them.
    for (const ddl of deferred) await pool.query(ddl);
    report('swapping');
    const applied = await swapIn({
      pool,
      store,
      projection,
      schema,
      position,
      eventsDone: done,
      chunkSize,
      streamPrefix,
      onBatch: options.onBatch,
    });
    done += applied.extra;
    position = applied.position;
    return report('done');
  } catch (error) {
    await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`).catch(() => undefined);
    throw error;
  }
}

function createShadowTables(pool: Pool, projection: Projection, schema: string): Promise<void> {
  return withTransaction(pool, async (client) => {
    await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    for (const table of projection.tables) {
      const live = `${READ_MODELS_SCHEMA}.${quoteIdent(table)}`;
      await client.query(`CREATE TABLE ${quoteIdent(schema)}.${quoteIdent(table)} (LIKE ${live} INCLUDING ALL)`);
      // LIKE copies column comments but not the table's own.
      const { rows } = await client.query<{ text: string | null }>(`SELECT obj_description($1::regclass, 'pg_class') AS text`, [live]);
      const text = rows[0]?.text;
      if (text) await client.query(`COMMENT ON TABLE ${quoteIdent(schema)}.${quoteIdent(table)} IS '${text.replace(/'/g, "''")}'`);
    }
  });
}

/**
 * Secondary indexes (those backing no constraint) of the shadow tables are
 * dropped while the tables are filled and rebuilt in one pass before the swap:
 * a sorted build is much cheaper than maintaining them row by row.
 * Returns their exact definitions (pg_get_indexdef: same names, same schema).
 */
async function dropSecondaryIndexes(pool: Pool, schema: string): Promise<string[]> {
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
