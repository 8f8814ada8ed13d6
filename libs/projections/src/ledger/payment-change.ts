import type { PaymentEvent } from '@ledger/payments-domain';
import type { PaymentRow } from '../payments/payment-row';
import type { DeltaTableSpec } from '../sql/delta-table';
import type { CellValue } from '../sql/upsert';

/**
 * What one event did to one payment, as the counter read models see it: the
 * payments row before the event (undefined when the event creates it) and
 * after it. Only the payments projection computes rows; the others read them
 * (a status count moves from `before.status` to `after.status`, say).
 */
export interface PaymentChange {
  readonly event: PaymentEvent;
  readonly before: Readonly<PaymentRow> | undefined;
  readonly after: Readonly<PaymentRow>;
}

type AddDelta<C extends string> = (key: readonly CellValue[], deltas: Partial<Record<C, number>>) => void;

/** A counter read model: its table and its rules, the deltas one change adds to it. Pure; the ledger batch writes them. */
export interface CounterProjection<C extends string> {
  readonly table: DeltaTableSpec<C>;
  project(change: PaymentChange, add: AddDelta<C>): void;
}
