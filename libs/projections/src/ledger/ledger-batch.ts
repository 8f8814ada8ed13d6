import type { PoolClient } from 'pg';
import { paymentIdFromStream, toPaymentEvent } from '@ledger/payments-domain';
import type { RecordedEvent } from '@ledger/event-store';
import { amountCountsProjection } from '../amounts/amount-counts.projection';
import { errorsProjection } from '../errors/errors.projection';
import { healthProjection } from '../health/health.projection';
import { metricsProjection } from '../metrics/metrics.projection';
import { savePayments, type PaymentRow } from '../payments/payment-row';
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

  /** `payments`: the stored rows of the batch's payments, by payment id. */
  constructor(private readonly payments: Map<string, PaymentRow>) {}

  apply(recorded: RecordedEvent): void {
    try {
      this.fold(recorded);
    } catch (error) {
      if (error instanceof ProjectionError && error.event) throw error;
      const message = error instanceof ProjectionError ? error.message : `cannot apply event: ${(error as Error).message}`;
      throw new ProjectionError(message, describeEvent(recorded));
    }
  }

  async write(tx: PoolClient, schema: string): Promise<void> {
    await savePayments(
      tx,
      schema,
      [...this.dirty].map((id) => this.payments.get(id) as PaymentRow),
    );
    for (const counter of this.counters) await counter.write(tx, schema);
  }

  private fold(recorded: RecordedEvent): void {
    const event = toPaymentEvent(recorded);
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
