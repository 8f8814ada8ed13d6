import type { PoolClient } from 'pg';
import { paymentIdFromStream, toPaymentEvent, type PaymentEventData, type PaymentStatus } from '@ledger/payments-domain';
import { formatPosition, type RecordedEvent } from '@ledger/event-store';
import { errorDeltas } from '../errors/errors.deltas';
import { healthDeltas, minuteStart } from '../health/health.deltas';
import { metricsDeltas } from '../metrics/metrics.deltas';
import { savePayments, type PaymentRow } from '../payments/payment-row';
import { ProjectionError } from '../runner/projection';
import { statusDeltas } from '../status-breakdown/status.deltas';
import { bucketStart, volumeDeltas } from '../volume/volume.deltas';
import { newPaymentRow } from './new-payment-row';

/** One batch of the ledger projection: events folded in memory into rows and per-row deltas, then written. */
export class LedgerBatch {
  private readonly dirty = new Set<string>();
  private readonly metrics = metricsDeltas();
  private readonly statuses = statusDeltas();
  private readonly volumes = volumeDeltas();
  private readonly errors = errorDeltas();
  private readonly health = healthDeltas();

  constructor(private readonly payments: Map<string, PaymentRow>) {}

  apply(recorded: RecordedEvent): void {
    try {
      this.fold(recorded);
    } catch (error) {
      if (error instanceof ProjectionError) throw error;
      throw new ProjectionError(`cannot apply event: ${(error as Error).message}`, describe(recorded));
    }
  }

  async write(tx: PoolClient, schema: string): Promise<void> {
    await savePayments(tx, schema, [...this.dirty].map((id) => this.payments.get(id) as PaymentRow));
    for (const deltas of [this.metrics, this.statuses, this.volumes, this.errors, this.health]) await deltas.write(tx, schema);
  }

  private fold(recorded: RecordedEvent): void {
    const event = toPaymentEvent(recorded);
    const id = paymentIdFromStream(recorded.streamId) as string;
    if (event.type === 'PaymentCreated') {
      if (this.payments.has(id)) throw new ProjectionError('payment created twice', describe(recorded));
      const row = newPaymentRow(event.data, recorded.revision);
      this.payments.set(id, row);
      this.dirty.add(id);
      this.metrics.add([row.provider, row.currency], { payments_created: 1, volume_created: row.amount });
      this.statuses.add([row.provider, row.currency, row.status], { payments: 1 });
      return;
    }
    const row = this.payments.get(id);
    if (!row) throw new ProjectionError('event for a payment that was never created', describe(recorded));
    this.dirty.add(id);
    row.revision = recorded.revision;
    const key = [row.provider, row.currency] as const;
    switch (event.type) {
      case 'PaymentProcessing':
        row.processingAt = new Date(event.data.startedAt);
        row.updatedAt = row.processingAt;
        return this.moveTo(row, 'processing');
      case 'PaymentSucceeded': {
        const at = new Date(event.data.succeededAt);
        this.requireCurrency(row, event.data.currency, recorded);
        row.providerPaymentId = event.data.providerPaymentId ?? null;
        row.succeededAt = row.updatedAt = at;
        const ms = this.decide(row, event.data, at, 'succeeded');
        this.metrics.add(key, { payments_succeeded: 1, volume_succeeded: event.data.amount });
        for (const g of ['hour', 'day'] as const) {
          this.volumes.add([g, bucketStart(at, g), ...key], { payments: 1, volume: event.data.amount });
        }
        this.health.add([minuteStart(at), row.provider], { succeeded: 1, processing_time_sum_ms: ms, processing_count: 1 });
        return;
      }
      case 'PaymentFailed': {
        const at = new Date(event.data.failedAt);
        row.errorCode = event.data.errorCode;
        row.errorMessage = event.data.errorMessage ?? null;
        row.failedAt = row.updatedAt = at;
        const ms = this.decide(row, event.data, at, 'failed');
        this.metrics.add(key, { payments_failed: 1 });
        this.errors.add([...key, event.data.errorCode], { failures: 1 });
        this.health.add([minuteStart(at), row.provider], { failed: 1, processing_time_sum_ms: ms, processing_count: 1 });
        return;
      }
      case 'PaymentRefunded': {
        this.requireCurrency(row, event.data.currency, recorded);
        if (row.refundedAmount === 0) this.metrics.add(key, { payments_refunded: 1 });
        row.refundedAmount += event.data.amount;
        row.updatedAt = new Date(event.data.refundedAt);
        this.metrics.add(key, { volume_refunded: event.data.amount });
        return this.moveTo(row, row.refundedAmount >= row.amount ? 'refunded' : 'partially_refunded');
      }
      case 'PaymentFraudFlagged': {
        row.fraudFlagCount += 1;
        row.updatedAt = new Date(event.data.flaggedAt);
        this.metrics.add(key, { fraud_flags: 1 });
        this.health.add([minuteStart(row.updatedAt), row.provider], { fraud_flags: 1 });
        return;
      }
      case 'PaymentDisputed': {
        if (!row.disputed) this.metrics.add(key, { payments_disputed: 1 });
        row.disputed = true;
        row.updatedAt = new Date(event.data.disputedAt);
        return;
      }
      default:
        throw new ProjectionError(`unknown event type ${recorded.type}`, describe(recorded));
    }
  }

  /** Processing time as given, else from processing (else creation) to the decision. */
  private decide(
    row: PaymentRow,
    data: PaymentEventData<'PaymentSucceeded' | 'PaymentFailed'>,
    at: Date,
    status: PaymentStatus,
  ): number {
    const ms = data.processingTimeMs ?? at.getTime() - (row.processingAt ?? row.createdAt).getTime();
    row.processingTimeMs = ms;
    this.metrics.add([row.provider, row.currency], { processing_time_sum_ms: ms, processing_time_count: 1 });
    this.moveTo(row, status);
    return ms;
  }

  private moveTo(row: PaymentRow, status: PaymentStatus): void {
    if (row.status === status) return;
    this.statuses.add([row.provider, row.currency, row.status], { payments: -1 });
    this.statuses.add([row.provider, row.currency, status], { payments: 1 });
    row.status = status;
  }

  private requireCurrency(row: PaymentRow, currency: string, recorded: RecordedEvent): void {
    if (currency !== row.currency) throw new ProjectionError(`currency ${currency} differs from the payment's ${row.currency}`, describe(recorded));
  }
}

export function describe(e: RecordedEvent) {
  return { eventId: e.eventId, streamId: e.streamId, type: e.type, revision: e.revision, position: formatPosition(e.position) };
}
