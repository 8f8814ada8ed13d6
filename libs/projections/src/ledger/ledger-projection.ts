import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@ledger/event-store';
import { paymentIdFromStream, StreamUpcaster } from '@ledger/payments-domain';
import { loadPayments } from '../payments/payment-row';
import type { Projection, ProjectionTarget } from '../runner/projection';
import { LedgerBatch } from './ledger-batch';
import { LedgerRebuilder } from './ledger-rebuilder';

/**
 * The live path's one upcaster (the projection runs once per process, batches in order). An old stream whose
 * PaymentCreated an earlier process applied has it read from the store before its next old event.
 */
const liveUpcaster = new StreamUpcaster();

/**
 * Every dashboard read model in one projection, one checkpoint: they change
 * together, so one transaction per batch keeps them mutually consistent and
 * the payment rows are loaded once per batch for all of them. Each read
 * model's rules live in its own folder (`<read model>/*.projection.ts`).
 */
export const ledgerProjection: Projection = {
  name: 'ledger',
  tables: [
    'payments',
    'payment_metrics',
    'status_counts',
    'volume_buckets',
    'volume_totals',
    'error_counts',
    'health_windows',
    'amount_counts',
  ],
  async apply(tx: PoolClient, events: readonly RecordedEvent[], { schema, store }: ProjectionTarget): Promise<void> {
    const ids = [...new Set(events.map((e) => paymentIdFromStream(e.streamId) as string))];
    for (const event of events) {
      if (event.type === 'PaymentCreated') liveUpcaster.learn(event);
      else if (store && liveUpcaster.unknownStream(event)) {
        const [created] = await store.readStream(event.streamId, { maxCount: 1 });
        if (created) liveUpcaster.learn(created);
      }
    }
    const batch = new LedgerBatch(await loadPayments(tx, schema, ids), liveUpcaster);
    for (const event of events) batch.apply(event);
    await batch.write(tx, schema);
  },
  rebuilder: ({ schema }, tuning) => new LedgerRebuilder(schema, tuning),
};
