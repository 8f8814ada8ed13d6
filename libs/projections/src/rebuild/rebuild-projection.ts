import type { Pool } from 'pg';
import { withTransaction } from '@ledger/platform';
import { PAYMENT_STREAM_PREFIX } from '@ledger/payments-domain';
import { START, type EventStore, type Position } from '@ledger/event-store';
import { READ_MODELS_SCHEMA, quoteIdent, type Projection, type RebuilderTuning } from '../runner/projection';
import { projectionByName } from '../projections';
import type { OnBatch } from '../runner/projection-runner';
import { applyChunk, swapIn } from './swap';

export interface RebuildProgress {
  readonly projection: string;
  readonly eventsDone: number;
  readonly eventsPerSecond: number;
  readonly position: Position;
  readonly phase: 'building' | 'swapping' | 'done';
  /** The longest transaction the rebuild has held so far (its flushes and the swap). */
  readonly longestTransactionMs: number;
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
  /** The projection's rebuilder: how much it holds before each flush (see RebuilderTuning). */
  readonly tuning?: RebuilderTuning;
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
  let longest = 0;
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await work();
    } finally {
      longest = Math.max(longest, Date.now() - t);
    }
  };
  const report = (phase: RebuildProgress['phase']): RebuildProgress => {
    const progress = {
      projection: name,
      eventsDone: done,
      eventsPerSecond: done / Math.max((Date.now() - started) / 1000, 1e-3),
      position,
      phase,
      longestTransactionMs: longest,
    };
    options.onProgress?.(progress);
    return progress;
  };
  const read = (after: Position) => store.readAll({ after: after === START ? undefined : after, maxCount: chunkSize, streamPrefix });
  // One flush in flight at a time, on its own connection, while the next pages are read and folded.
  let flushing: Promise<void> = Promise.resolve();
  try {
    const deferred = await dropSecondaryIndexes(pool, schema);
    // Same rules as the live path; a projection without a rebuilder of its own is applied page by page.
    const rebuilder = projection.rebuilder?.({ schema }, options.tuning);
    const flushed = () => flushing;
    const flush = async () => {
      await flushing;
      if (!rebuilder) return;
      flushing = timed(() => withTransaction(pool, (tx) => rebuilder.flush(tx)));
      flushing.catch(() => undefined); // awaited before the next flush, a read and the swap
    };
    let next = read(position);
    for (;;) {
      const events = await next;
      if (events.length === 0) break;
      position = events[events.length - 1].position;
      // Reading the next chunk overlaps writing this one.
      next = read(position);
      if (!rebuilder) await timed(() => applyChunk(pool, projection, schema, events));
      else {
        await rebuilder.fold(pool, events, flushed);
        if (rebuilder.full) await flush();
        // A turn of the event loop: a flush in flight gets its replies now, not after the next page's fold
        // (the next page is often read already, and awaiting it would not yield): its transaction stays short.
        await new Promise((resolve) => setImmediate(resolve));
      }
      done += events.length;
      report('building');
      // At the head: whatever the live tables gained meanwhile is applied inside the swap transaction.
      if (events.length < chunkSize) break;
    }
    await next.catch(() => undefined);
    await flush();
    await flushing;
    // Built before the swap, so the catch-up inside it and the live tables afterwards have them.
    for (const ddl of deferred) await pool.query(ddl);
    report('swapping');
    const applied = await timed(() =>
      swapIn({
        pool,
        store,
        projection,
        schema,
        position,
        eventsDone: done,
        chunkSize,
        streamPrefix,
        onBatch: options.onBatch,
      }),
    );
    done += applied.extra;
    position = applied.position;
    return report('done');
  } catch (error) {
    await flushing.catch(() => undefined);
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
