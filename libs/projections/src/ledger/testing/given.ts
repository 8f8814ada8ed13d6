import type { PaymentEvent } from '@ledger/payments-domain';
import type { PaymentRow } from '../../payments/payment-row';
import { evolvePaymentRow } from '../../payments/payments.projection';
import { DeltaTable } from '../../sql/delta-table';
import type { CellValue } from '../../sql/upsert';
import type { CounterProjection, PaymentChange } from '../payment-change';

export type ExpectedRow = Record<string, CellValue>;

/** A read model of the ledger projection: a counter table's rules, or the payments rows' (`evolvePaymentRow`). */
export type ReadModel = CounterProjection<string> | typeof evolvePaymentRow;

/**
 * Projection specs, in the deciders' shape (`given([...history]).when(command).then([...events])` in
 * @ledger/payments-domain) and Emmett's: given these events (of one or more payments, each stream in order),
 * when a read model's rules fold them, then these rows. Pure: the rules the ledger batch runs, in memory, no
 * database (`postgresProjectionSpec` runs the same specs against real tables). A counter table's rows are the
 * deltas the events add to it; counters at zero are not listed, unless all of a row's are (a status count moved
 * in and out again reads `payments: 0`). The payments rows are compared field by field on what `then` lists.
 */
export function given(history: readonly PaymentEvent[]): { when(readModel: ReadModel): Then } {
  return {
    when: (readModel) => ({
      then: (expected) => {
        const rows = foldRows(history, readModel);
        if (typeof readModel === 'function') expect(rows).toEqual(expected.map((row) => expect.objectContaining(row)));
        else expect(rows).toEqual(expected);
      },
      thenThrows: (message) => {
        expect(() => foldRows(history, readModel)).toThrow(message);
      },
    }),
  };
}

interface Then {
  then(expected: readonly (ExpectedRow | Partial<PaymentRow>)[]): void;
  thenThrows(message: RegExp): void;
}

/** The payments rows the history leaves, or the deltas it adds to a counter table (as `then` compares them). */
function foldRows(history: readonly PaymentEvent[], readModel: ReadModel): unknown[] {
  const rows = new Map<string, PaymentRow>();
  const changes: PaymentChange[] = [];
  for (const event of history) {
    const before = rows.get(event.data.paymentId);
    const after = evolvePaymentRow(before, event, before ? before.revision + 1n : 0n);
    rows.set(event.data.paymentId, after);
    changes.push({ event, before, after });
  }
  if (typeof readModel === 'function') return [...rows.values()];
  const deltas = new DeltaTable(readModel.table);
  for (const change of changes) readModel.project(change, (key, add) => deltas.add(key, add));
  return deltas.entries().map((row) => shownRow(row, readModel.table.counters));
}

/** A counter row as specs list it: its zero counters left out, unless every counter is zero. */
export function shownRow(row: ExpectedRow, counters: readonly string[]): ExpectedRow {
  const zero = (column: string) => row[column] === 0 || row[column] === 0n;
  if (counters.every(zero)) return row;
  return Object.fromEntries(Object.entries(row).filter(([column]) => !counters.includes(column) || !zero(column)));
}
