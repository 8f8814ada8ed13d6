import type { Pool, PoolClient } from 'pg';
import type { RecordedEvent } from '@ledger/event-store';
import { paymentIdFromStream, StreamUpcaster } from '@ledger/payments-domain';
import { loadPayments, type PaymentRow } from '../payments/payment-row';
import { ProjectionError, type ProjectionRebuilder, type RebuilderTuning } from '../runner/projection';
import { LedgerBatch } from './ledger-batch';

/**
 * The ledger projection's rebuild: the live path's rules (LedgerBatch) over
 * many pages at once. A payment's row is read from the shadow table only when
 * it is neither cached nor created in the page; every changed row is written
 * once per flush and every counter row gets one summed delta per flush, so the
 * cost per event does not grow with the size of the tables.
 */
export class LedgerRebuilder implements ProjectionRebuilder {
  /** Known rows, least recently used first (a Map keeps insertion order); at most cacheRows after a flush. */
  private readonly rows = new Map<string, PaymentRow>();
  /** Payments created since the last flush that have no stored row. */
  private fresh = new Set<string>();
  private batch: LedgerBatch;
  /** One across the rebuild: it reads from position 0, so it sees every stream's PaymentCreated first. */
  private readonly upcaster = new StreamUpcaster();
  private readonly flushRows: number;
  private readonly cacheRows: number;

  constructor(
    private readonly schema: string,
    options: RebuilderTuning = {},
  ) {
    this.flushRows = options.flushRows ?? 20_000;
    this.cacheRows = Math.max(options.cacheRows ?? 100_000, this.flushRows);
    this.batch = new LedgerBatch(this.rows, this.upcaster);
  }

  get full(): boolean {
    return this.batch.size >= this.flushRows;
  }

  async fold(db: Pool, events: readonly RecordedEvent[], flushed: () => Promise<void>): Promise<void> {
    const seen = new Set<string>();
    const missing: string[] = [];
    for (const event of events) {
      const id = paymentIdFromStream(event.streamId) as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const row = this.rows.get(id);
      if (row) {
        this.rows.delete(id);
        this.rows.set(id, row);
      } else if (event.type === 'PaymentCreated') {
        // No stored row to read; if there is one after all, the flush's plain insert fails (created twice).
        this.fresh.add(id);
      } else {
        missing.push(id);
      }
    }
    if (missing.length > 0) {
      await flushed();
      for (const [id, row] of await loadPayments(db, this.schema, missing)) this.rows.set(id, row);
    }
    for (const event of events) this.batch.apply(event);
    // Here, with no await since the rows were found: drop the least recently used rows but those the
    // next flush writes. A row a flush in flight writes may go: a later read awaits that flush.
    for (const id of this.rows.keys()) {
      if (this.rows.size <= this.cacheRows) break;
      if (!this.batch.touched(id)) this.rows.delete(id);
    }
  }

  async flush(tx: PoolClient): Promise<void> {
    const { batch, fresh } = this;
    this.batch = new LedgerBatch(this.rows, this.upcaster);
    this.fresh = new Set();
    try {
      await batch.write(tx, this.schema, fresh);
    } catch (error) {
      if ((error as { code?: string }).code === '23505' && (error as { table?: string }).table === 'payments')
        throw new ProjectionError(`payment created twice: ${(error as Error).message}`);
      throw error;
    }
  }
}
