import type { Pool, PoolClient } from 'pg';
import { formatPosition, type EventStore, type RecordedEvent } from '@ledger/event-store';

export const READ_MODELS_SCHEMA = 'read_models';

/** Where a projection writes: the live schema, or a rebuild schema being filled beside it. */
export interface ProjectionTarget {
  readonly schema: string;
  /**
   * The live runner's store, for a projection that must read an earlier event of a stream (an old stream's creation),
   * or append what it decided (the reconciliation's postings, idempotently).
   */
  readonly store?: Pick<EventStore, 'readStream'> & Partial<Pick<EventStore, 'appendToStream'>>;
}

/**
 * A projection turns a batch of recorded events into SQL writes on its tables.
 * It runs inside the caller's transaction and never commits; it throws on any
 * event it cannot apply, so nothing is ever counted wrong or skipped.
 */
export interface Projection {
  readonly name: string;
  /** The schema its live tables are in (default `read_models`; the books own `books`). */
  readonly schema?: string;
  /** The streams it reads, by prefix (default `payment-`; reconciliation's `pay` also takes `payout-*`). */
  readonly streamPrefix?: string;
  /** Tables it owns in its schema; a rebuild recreates and swaps exactly these. */
  readonly tables: readonly string[];
  /**
   * Of `tables`, those its rebuild only inserts new rows into and never reads or upserts while filling: their
   * primary keys are dropped in the shadow tables for the fill and added back before the swap (a duplicate fails
   * the rebuild then), as the secondary indexes of every table are.
   */
  readonly keysAfterRebuildFill?: readonly string[];
  apply(tx: PoolClient, events: readonly RecordedEvent[], target: ProjectionTarget): Promise<void>;
  /**
   * The rebuild's writer, when the projection has one: the rebuild is the only
   * writer of its shadow tables, so it may keep state between pages and write
   * each touched row once per flush, by the same rules as `apply`.
   */
  rebuilder?(target: ProjectionTarget, tuning?: RebuilderTuning): ProjectionRebuilder;
}

/** How much a rebuilder holds in memory (defaults suit production; tests make them tiny to cross every boundary). */
export interface RebuilderTuning {
  /** Rows (payments, audit rows) held before a flush writes them. */
  readonly flushRows?: number;
  /** Rows kept in memory after they are written, so later events need no read. */
  readonly cacheRows?: number;
}

/**
 * Folds pages of history in memory and writes them in flushes, each flush one
 * short transaction of its own. Pages come strictly in order. A flush may still
 * be running while the next pages are folded (it has its own connection): before
 * `fold` reads the shadow tables through `db`, it awaits `flushed()`.
 */
export interface ProjectionRebuilder {
  fold(db: Pool, events: readonly RecordedEvent[], flushed: () => Promise<void>): Promise<void>;
  /** True when enough is held in memory that it should be written now. */
  readonly full: boolean;
  /**
   * Writes everything folded so far (inside the caller's transaction). What it
   * writes is taken synchronously, before its first await: folding may go on.
   */
  flush(tx: PoolClient): Promise<void>;
}

export class ProjectionError extends Error {
  readonly code = 'projection_failed';
  constructor(
    message: string,
    readonly event?: Pick<RecordedEvent, 'eventId' | 'streamId' | 'type' | 'revision'> & { position: string },
  ) {
    super(
      event ? `${message} (event ${event.eventId} ${event.type} at ${event.position} in ${event.streamId}@${event.revision})` : message,
    );
    this.name = 'ProjectionError';
  }
}

/** How a ProjectionError names the event it stopped on. */
export function describeEvent(e: RecordedEvent): NonNullable<ProjectionError['event']> {
  return { eventId: e.eventId, streamId: e.streamId, type: e.type, revision: e.revision, position: formatPosition(e.position) };
}

/** The schema a projection's live tables are in. */
export function liveSchemaOf(projection: Pick<Projection, 'schema'>): string {
  return projection.schema ?? READ_MODELS_SCHEMA;
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe SQL identifier: ${name}`);
  return `"${name}"`;
}
