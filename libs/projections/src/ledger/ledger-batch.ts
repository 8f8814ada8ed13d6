import type { PoolClient } from 'pg';
import { paymentIdFromStream, type StreamUpcaster } from '@ledger/payments-domain';
import type { RecordedEvent } from '@ledger/event-store';
import { amountCountsProjection } from '../amounts/amount-counts.projection';
import { errorsProjection } from '../errors/errors.projection';
import { healthProjection } from '../health/health.projection';
import { metricsProjection } from '../metrics/metrics.projection';
import { insertPayments, savePayments, type PaymentRow } from '../payments/payment-row';
import { evolvePaymentRow } from '../payments/payments.projection';
import { ProjectionError, describeEvent } from '../runner/projection';
import { DeltaTable } from '../sql/delta-table';
import { statusCountsProjection } from '../status-breakdown/status-counts.projection';
import { volumeProjection, volumeTotalsProjection } from '../volume/volume.projection';
import type { CounterProjection, PaymentChange } from './payment-change';

/**
 * One batch of the ledger projection, for the live runner and the rebuild
 * alike: each event evolves its payment's row (the payments read model), then
 * every counter read model adds its deltas for that change; at the end the
 * changed rows and the aggregated deltas are written, one statement per table.
 */
export class LedgerBatch {
  private readonly dirty = new Set<string>();
  private readonly counters = [
    counting(metricsProjection),
    counting(statusCountsProjection),
    counting(volumeProjection),
    counting(volumeTotalsProjection),
    counting(errorsProjection),
    counting(healthProjection),
    counting(amountCountsProjection),
  ];

  /**
   * `payments`: the stored rows of the batch's payments, by payment id. `upcaster`: the reader's one across
   * batches, which has seen (or been told) each old stream's PaymentCreated before its other events.
   */
  constructor(
    private readonly payments: Map<string, PaymentRow>,
    private readonly upcaster: StreamUpcaster,
  ) {}

  apply(recorded: RecordedEvent): void {
    try {
      this.fold(recorded);
    } catch (error) {
      if (error instanceof ProjectionError && error.event) throw error;
      const message = error instanceof ProjectionError ? error.message : `cannot apply event: ${(error as Error).message}`;
      throw new ProjectionError(message, describeEvent(recorded));
    }
  }

  /** Whether this batch changed the payment (its row is still to be written). */
  touched(id: string): boolean {
    return this.dirty.has(id);
  }

  /** Payments changed so far. */
  get size(): number {
    return this.dirty.size;
  }

  /**
   * Writes the changed rows and the aggregated deltas. `fresh`: payments known
   * to have no stored row yet (a rebuild's), inserted without a conflict clause:
   * a row already there is a payment created twice, and fails loudly.
   */
  async write(tx: PoolClient, schema: string, fresh?: ReadonlySet<string>): Promise<void> {
    const rows = [...this.dirty].map((id) => this.payments.get(id) as PaymentRow);
    if (fresh && fresh.size > 0) {
      await insertPayments(
        tx,
        schema,
        rows.filter((r) => fresh.has(r.paymentId)),
      );
      await savePayments(
        tx,
        schema,
        rows.filter((r) => !fresh.has(r.paymentId)),
      );
    } else {
      await savePayments(tx, schema, rows);
    }
    for (const counter of this.counters) await counter.write(tx, schema);
  }

  private fold(recorded: RecordedEvent): void {
    const event = this.upcaster.read(recorded);
    const id = paymentIdFromStream(recorded.streamId) as string;
    const before = this.payments.get(id);
    const after = evolvePaymentRow(before, event, recorded.revision);
    this.payments.set(id, after);
    this.dirty.add(id);
    const change: PaymentChange = { event, before, after };
    for (const counter of this.counters) counter.project(change);
  }
}

/** A counter read model bound to the batch's in-memory deltas of its table. */
function counting<C extends string>(projection: CounterProjection<C>) {
  const deltas = new DeltaTable(projection.table);
  const add = deltas.add.bind(deltas);
  return {
    project: (change: PaymentChange) => projection.project(change, add),
    write: (tx: PoolClient, schema: string) => deltas.write(tx, schema),
  };
}
