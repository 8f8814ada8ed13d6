import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@ledger/event-store';
import type { PaymentCommandType, PaymentEventType } from '@ledger/payments-domain';
import { deterministicUuid } from './deterministic-uuid';

/** Who asked, under which key: an API key and its Idempotency-Key, or a provider and its delivery. */
export interface CommandKey {
  /** The API key id, or `webhook:<provider>`. */
  readonly namespace: string;
  readonly key: string;
}

/** The one event each command appends; a legacy id is recognised only on an event of this type. */
const EVENT_OF_COMMAND: Readonly<Record<PaymentCommandType, PaymentEventType>> = {
  CreatePayment: 'PaymentCreated',
  StartProcessing: 'PaymentProcessing',
  MarkPaymentSucceeded: 'PaymentSucceeded',
  MarkPaymentFailed: 'PaymentFailed',
  RefundPayment: 'PaymentRefunded',
  FlagFraud: 'PaymentFraudFlagged',
  OpenDispute: 'PaymentDisputed',
  ReportRefundTotal: 'PaymentRefundReported',
  ReverseRefund: 'PaymentRefundReversed',
  CloseDispute: 'PaymentDisputeClosed',
  RecordAttemptFailure: 'PaymentAttemptFailed',
  ReportProviderMismatch: 'PaymentProviderMismatch',
  ReviewMismatch: 'PaymentMismatchReviewed',
};

/**
 * The one place event ids are derived. Keyed commands get ids from
 * (namespace, key, stream, command, index): the same command retried appends
 * the same ids (a no-op), and a different command under the same key can
 * never collide with it. Ids without the command (the first scheme) are
 * still recognised, so a redelivery that spans the upgrade appends nothing.
 */
export class CommandEventIds {
  constructor(
    private readonly key: CommandKey | undefined,
    private readonly streamId: string,
    private readonly commandType: PaymentCommandType,
  ) {}

  id(index: number): string {
    if (!this.key) return randomUUID();
    return deterministicUuid('v2', this.key.namespace, this.key.key, this.streamId, this.commandType, String(index));
  }

  /** Whether this keyed command has already been appended to the stream (by either scheme). */
  appliedIn(history: readonly RecordedEvent[]): boolean {
    if (!this.key) return false;
    const current = this.id(0);
    const legacy = deterministicUuid(this.key.namespace, this.key.key, this.streamId, '0');
    const expectedType = EVENT_OF_COMMAND[this.commandType];
    return history.some((e) => e.eventId === current || (e.eventId === legacy && e.type === expectedType));
  }
}
