import type { Pool } from 'pg';
import { PAYMENT_STREAM_PREFIX } from '@ledger/payments-domain';
import { START, type EventStore, type Position } from '@ledger/event-store';
import { quoteIdent, type Projection, type RebuilderTuning } from '../runner/projection';
import { projectionByName } from '../projections';
import type { OnBatch } from '../runner/projection-runner';
import { createShadowTables, dropPrimaryKeys, dropSecondaryIndexes, fillShadowTables } from './shadow-tables';
import { swapIn } from './swap';

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
  /** The projections as configured (projectionRegistry, e.g. SETTLEMENT_WINDOWS); the defaults when left out. */
  readonly projections?: Readonly<Record<string, Projection>>;
}

/**
 * Rebuilds a projection from position 0 into a fresh schema beside the live
 * tables (which keep serving and keep being updated), then swaps the new
 * tables in atomically and drops the old ones.
 */
export async function rebuildProjection(name: string, options: RebuildOptions): Promise<RebuildProgress> {
  const projection = projectionByName(name, options.projections);
  const { pool, store, chunkSize = 5000 } = options;
  const streamPrefix = projection.streamPrefix ?? options.streamPrefix ?? PAYMENT_STREAM_PREFIX;
  const schema = `read_models_rebuild_${name}_${Date.now().toString(36)}`;
  await createShadowTables(pool, projection, schema);
  const progress = new Progress(name, options.onProgress);
  try {
    const deferred = [
      ...(await dropPrimaryKeys(pool, schema, projection.keysAfterRebuildFill ?? [])),
      ...(await dropSecondaryIndexes(pool, schema)),
    ];
    await fillShadowTables({ pool, store, projection, schema, chunkSize, streamPrefix, tuning: options.tuning }, progress);
    // Built before the swap, so the catch-up inside it and the live tables afterwards have them.
    for (const ddl of deferred) await pool.query(ddl);
    progress.report('swapping');
    const { position, eventsDone } = progress;
    const applied = await progress.timed(() =>
      swapIn({ pool, store, projection, schema, position, eventsDone, chunkSize, streamPrefix, onBatch: options.onBatch }),
    );
    progress.advance(applied.extra, applied.position);
    return progress.report('done');
  } catch (error) {
    await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`).catch(() => undefined);
    throw error;
  }
}

/** What a rebuild reports as it goes: events done, where, how fast, and its longest transaction so far. */
class Progress {
  eventsDone = 0;
  position: Position = START;
  private longest = 0;
  private readonly started = Date.now();

  constructor(
    private readonly projection: string,
    private readonly onProgress?: (progress: RebuildProgress) => void,
  ) {}

  advance(events: number, position: Position): void {
    this.eventsDone += events;
    this.position = position;
  }

  /** Runs `work`, a transaction of the rebuild, keeping the longest one's duration. */
  async timed<T>(work: () => Promise<T>): Promise<T> {
    const t = Date.now();
    try {
      return await work();
    } finally {
      this.longest = Math.max(this.longest, Date.now() - t);
    }
  }

  report(phase: RebuildProgress['phase']): RebuildProgress {
    const progress = {
      projection: this.projection,
      eventsDone: this.eventsDone,
      eventsPerSecond: this.eventsDone / Math.max((Date.now() - this.started) / 1000, 1e-3),
      position: this.position,
      phase,
      longestTransactionMs: this.longest,
    };
    this.onProgress?.(progress);
    return progress;
  }
}
