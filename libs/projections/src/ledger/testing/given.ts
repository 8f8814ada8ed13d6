import type { PaymentEvent } from '@ledger/payments-domain';
import type { PaymentRow } from '../../payments/payment-row';
import { evolvePaymentRow } from '../../payments/payments.projection';
import { DeltaTable } from '../../sql/delta-table';
import type { CellValue } from '../../sql/upsert';
import type { CounterProjection, PaymentChange } from '../payment-change';

export type ExpectedRow = Record<string, CellValue>;

/**
 * Projection specs, in Emmett's and Dudycz's style: given these events (of one
 * or more payments, each stream in order), then these rows. Pure: the rules the
 * ledger batch runs, folded in memory, no database. A counter table's rows are
 * the deltas the events add to it; counters at zero are not listed, unless all
 * of a row's are (a status count moved in and out again reads `payments: 0`).
 */
export function given(...events: PaymentEvent[]) {
  const fold = () => {
    const rows = new Map<string, PaymentRow>();
    const changes: PaymentChange[] = [];
    for (const event of events) {
      const before = rows.get(event.data.paymentId);
      const after = evolvePaymentRow(before, event, before ? before.revision + 1n : 0n);
      rows.set(event.data.paymentId, after);
      changes.push({ event, before, after });
    }
    return { rows, changes };
  };
  return {
    /** The payments rows, compared field by field on what `expected` lists. */
    thenPayments(...expected: Partial<PaymentRow>[]): void {
      expect([...fold().rows.values()]).toEqual(expected.map((row) => expect.objectContaining(row)));
    },
    thenRows<C extends string>(projection: CounterProjection<C>, expected: ExpectedRow[]): void {
      const deltas = new DeltaTable(projection.table);
      for (const change of fold().changes) projection.project(change, (key, add) => deltas.add(key, add));
      expect(deltas.entries().map((row) => shown(row, projection.table.counters))).toEqual(expected);
    },
    thenThrows(message: RegExp): void {
      expect(fold).toThrow(message);
    },
  };
}

function shown(row: ExpectedRow, counters: readonly string[]): ExpectedRow {
  const zero = (column: string) => row[column] === 0 || row[column] === 0n;
  if (counters.every(zero)) return row;
  return Object.fromEntries(Object.entries(row).filter(([column]) => !counters.includes(column) || !zero(column)));
}
