import type { Pool, PoolClient } from 'pg';
import { comparePositions, START, type EventStore, type Position, type RecordedEvent } from '@ledger/event-store';
import { paymentIdFromStream, StreamUpcaster } from '@ledger/payments-domain';
import { ClosesReader } from '../periods/close-event';
import type { BooksPaymentState } from '../posting/payment-state';
import { BooksBatch, BooksProjectionError, loadStates } from './books-batch';

export const BOOKS_SCHEMA = 'books';
export const BOOKS_PROJECTION = 'books';

/** What the projection runner and the rebuild hand a projection (structurally `@ledger/projections`' Projection). */
interface Target {
  readonly schema: string;
  readonly store?: Pick<EventStore, 'readStream'>;
}

/** The live path's readers: the projection runs once per process, its batches in order. */
const liveUpcaster = new StreamUpcaster();
let liveCloses: { store: Pick<EventStore, 'readStream'>; reader: ClosesReader } | undefined;

function closesFor(store: Pick<EventStore, 'readStream'> | undefined): ClosesReader {
  if (!store) throw new BooksProjectionError('the books need the event store to read the period closes');
  if (liveCloses?.store !== store) liveCloses = { store, reader: new ClosesReader(store) };
  return liveCloses.reader;
}

/** The payment ids a batch names (payout streams name none). */
function paymentIdsOf(events: readonly RecordedEvent[]): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    const id = paymentIdFromStream(e.streamId);
    if (id) ids.add(id);
  }
  return [...ids];
}

/**
 * The books: every money-moving payment event as one balanced journal entry, and every ReconciliationPosted of
 * the reconciliation (fees, FX, suspense, payouts) as one entry (libs/books/README.md). Its own
 * checkpoint (`books`) and its own rebuild; its tables live in schema `books`. Period closes are read from their
 * stream under the checkpoint row the close holds (periods/close-period.ts), so an entry is dated on facts a
 * rebuild sees the same.
 */
export const booksProjection = {
  name: BOOKS_PROJECTION,
  schema: BOOKS_SCHEMA,
  /** `payment-*` and `payout-*`: the reconciliation's postings are on `payout-posted-*`. */
  streamPrefix: 'pay',
  tables: ['payment_states', 'journal_entries', 'journal_lines', 'movements', 'clock_movements'],
  /** The journal is only inserted into (its keys are event ids, in random order); states and sums are upserted. */
  keysAfterRebuildFill: ['journal_entries', 'journal_lines'],
  async apply(tx: PoolClient, events: readonly RecordedEvent[], { schema, store }: Target): Promise<void> {
    const closes = await closesFor(store).read();
    await liveUpcaster.learnStreams(events, store);
    const batch = new BooksBatch(await loadStates(tx, schema, paymentIdsOf(events)), liveUpcaster, closes);
    for (const event of events) batch.apply(event);
    await batch.write(tx, schema);
  },
  rebuilder: ({ schema, store }: Target, tuning?: { flushRows?: number; cacheRows?: number }) => new BooksRebuilder(schema, store, tuning),
};

/**
 * The rebuild: the live rules over many pages, states kept in memory (least recently used dropped past
 * `cacheRows`, read back from the shadow table when needed), written once per flush.
 */
class BooksRebuilder {
  private readonly states = new Map<string, BooksPaymentState>();
  private readonly upcaster = new StreamUpcaster();
  private readonly closes: ClosesReader;
  private closesSeen = -1;
  private folded: Position = START;
  private batch: BooksBatch;
  private readonly flushRows: number;
  private readonly cacheRows: number;

  constructor(
    private readonly schema: string,
    store: Pick<EventStore, 'readStream'> | undefined,
    tuning: { flushRows?: number; cacheRows?: number } = {},
  ) {
    if (!store) throw new BooksProjectionError('the books rebuild needs the event store to read the period closes');
    this.closes = new ClosesReader(store);
    this.flushRows = tuning.flushRows ?? 20_000;
    this.cacheRows = Math.max(tuning.cacheRows ?? 200_000, this.flushRows);
    this.batch = new BooksBatch(this.states, this.upcaster, []);
  }

  get full(): boolean {
    return this.batch.size >= this.flushRows || this.batch.entries.length >= this.flushRows;
  }

  async fold(db: Pool, events: readonly RecordedEvent[], flushed: () => Promise<void>): Promise<void> {
    const closes = await this.closes.read();
    if (this.closesSeen >= 0) {
      for (const close of closes.slice(this.closesSeen)) {
        // Closed while the rebuild ran, covering less than it has already dated: a fresh rebuild would date those otherwise.
        if (comparePositions(close.covered, this.folded) < 0) {
          throw new BooksProjectionError(`period ${close.period} was closed while the books were rebuilt; run the rebuild again`);
        }
      }
    }
    this.closesSeen = closes.length;
    this.batch.closes = closes;
    const missing: string[] = [];
    const seen = new Set<string>();
    for (const event of events) {
      const id = paymentIdFromStream(event.streamId);
      if (id === undefined || seen.has(id)) continue;
      seen.add(id);
      const state = this.states.get(id);
      if (state) {
        this.states.delete(id);
        this.states.set(id, state);
      } else if (event.type !== 'PaymentCreated') missing.push(id);
    }
    if (missing.length > 0) {
      await flushed();
      for (const [id, state] of await loadStates(db, this.schema, missing)) this.states.set(id, state);
    }
    await this.upcaster.learnStreams(events);
    for (const event of events) this.batch.apply(event);
    this.folded = events[events.length - 1]?.position ?? this.folded;
    for (const id of this.states.keys()) {
      if (this.states.size <= this.cacheRows) break;
      if (!this.batch.touched(id)) this.states.delete(id);
    }
  }

  async flush(tx: PoolClient): Promise<void> {
    const batch = this.batch;
    this.batch = new BooksBatch(this.states, this.upcaster, batch.closes);
    await batch.write(tx, this.schema);
  }
}
