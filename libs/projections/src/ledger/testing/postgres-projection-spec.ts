import type { Pool, PoolClient } from 'pg';
import type { RecordedEvent } from '@ledger/event-store';
import { CURRENT_SCHEMA_VERSION, paymentStreamId, type PaymentEvent } from '@ledger/payments-domain';
import { loadPayments, type PaymentRow } from '../../payments/payment-row';
import { READ_MODELS_SCHEMA, quoteIdent } from '../../runner/projection';
import { tableName } from '../../sql/upsert';
import { ledgerProjection } from '../ledger-projection';
import type { CounterProjection } from '../payment-change';
import { shownRow, type ExpectedRow, type ReadModel } from './given';

/**
 * Database-backed projection specs (Emmett's `PostgreSQLProjectionSpec`), in the shape of the pure ones
 * (`given.ts`): given these events, when the ledger projection applies them to the real read_models tables of
 * `pool()`'s database (its batch, its SQL: the payments upserts, each counter table's `DeltaTable.write`), then
 * the read model holds these rows. `then` projects the events twice, each time in a transaction it rolls back
 * (specs share one database and see nothing of each other): in one batch, and one event per batch, so every
 * row is inserted once and then added to or replaced by the next batches' upserts. Both must hold `expected`.
 * Counter rows are compared as the pure specs list them (zero counters left out), in any order.
 */
export function postgresProjectionSpec(pool: () => Pool) {
  return {
    given: (history: readonly PaymentEvent[]) => ({
      when: (readModel: ReadModel) => ({
        then: async (expected: readonly (ExpectedRow | Partial<PaymentRow>)[]): Promise<void> => {
          const events = recorded(history);
          const ways: [string, RecordedEvent[][]][] = [
            ['in one batch', [events]],
            ['one event per batch', events.map((event) => [event])],
          ];
          for (const [way, batches] of ways) {
            const rows = await projectedRows(pool(), batches, readModel);
            try {
              if (typeof readModel === 'function') expect(rows).toEqual(expected.map((row) => expect.objectContaining(row)));
              else expect(sortedByKey(rows as ExpectedRow[], readModel)).toEqual(sortedByKey(expected as ExpectedRow[], readModel));
            } catch (error) {
              (error as Error).message = `projected ${way}:\n${(error as Error).message}`;
              throw error;
            }
          }
        },
      }),
    }),
  };
}

/** The events as the store hands them out: one stream per payment, revisions from 0, in global order. */
function recorded(history: readonly PaymentEvent[]): RecordedEvent[] {
  const revisions = new Map<string, bigint>();
  return history.map((event, i) => {
    const streamId = paymentStreamId(event.data.paymentId);
    const revision = revisions.get(streamId) ?? 0n;
    revisions.set(streamId, revision + 1n);
    return {
      eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      streamId,
      type: event.type,
      revision,
      position: { commit: BigInt(i + 1), prepare: BigInt(i + 1) },
      data: event.data,
      metadata: { schemaVersion: CURRENT_SCHEMA_VERSION },
      recordedAt: new Date(Date.UTC(2025, 10, 21, 12)),
    };
  });
}

async function projectedRows(pool: Pool, batches: readonly RecordedEvent[][], readModel: ReadModel): Promise<unknown[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const batch of batches) await ledgerProjection.apply(client, batch, { schema: READ_MODELS_SCHEMA });
    const ids = [...new Set(batches.flat().map((event) => (event.data as { paymentId: string }).paymentId))];
    return typeof readModel === 'function' ? await paymentRows(client, ids) : await counterRows(client, readModel);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

/** The payments' rows as stored, in the order the history first names each payment (the pure specs' order). */
async function paymentRows(client: PoolClient, ids: readonly string[]): Promise<(PaymentRow | undefined)[]> {
  const stored = await loadPayments(client, READ_MODELS_SCHEMA, ids);
  return ids.map((id) => stored.get(id));
}

/** A counter table's rows with their keys as the projection writes them (a time as ISO 8601) and counters as numbers. */
async function counterRows(client: PoolClient, readModel: CounterProjection<string>): Promise<ExpectedRow[]> {
  const { keys, counters } = readModel.table;
  const columns = [...keys.map((k) => k.name), ...counters];
  const { rows } = await client.query<Record<string, unknown>>(
    `SELECT ${columns.map(quoteIdent).join(', ')} FROM ${tableName(READ_MODELS_SCHEMA, readModel.table.table)}`,
  );
  return rows.map((row) => {
    const out: ExpectedRow = {};
    for (const { name, type } of keys) {
      const value = row[name];
      out[name] = value instanceof Date ? value.toISOString() : INTEGERS.has(type) ? integer(value) : (value as ExpectedRow[string]);
    }
    for (const counter of counters) out[counter] = integer(row[counter]);
    return shownRow(out, counters);
  });
}

/** Column types pg hands back as strings (beyond 2^53) that the projections write as numbers. */
const INTEGERS = new Set(['bigint', 'numeric', 'integer', 'int', 'smallint']);

/** A number while it is exact, else a bigint: as DeltaTable sums. */
function integer(value: unknown): number | bigint {
  const n = BigInt(value as string);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

function sortedByKey(rows: readonly ExpectedRow[], readModel: CounterProjection<string>): ExpectedRow[] {
  const key = (row: ExpectedRow) => JSON.stringify(readModel.table.keys.map((k) => row[k.name]));
  return [...rows].sort((a, b) => key(a).localeCompare(key(b)));
}
