import type { PoolClient } from 'pg';
import { counterRowId, counterRowKey, type CounterSpec, type Counters } from './expected-counters';
import type { PaymentFacts } from './payment-facts';

export interface Difference {
  readonly readModel: string;
  readonly key: string;
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
}

export type ReportDifference = (difference: Difference) => void;

type Row = Record<string, unknown>;

/** A server-side cursor inside the caller's snapshot transaction: a table of any size, a page in memory. */
async function* cursorRows(client: PoolClient, name: string, sql: string, batch = 2000): AsyncGenerator<Row[]> {
  await client.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`);
  try {
    for (;;) {
      const { rows } = await client.query<Row>(`FETCH ${batch} FROM ${name}`);
      if (rows.length > 0) yield rows;
      if (rows.length < batch) return;
    }
  } finally {
    await client.query(`CLOSE ${name}`);
  }
}

const cell = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));
const show = (v: string | null) => (v === null ? 'null' : v);
const describeKey = (names: readonly string[], values: readonly (string | null)[]) =>
  names.map((n, i) => `${n}=${show(values[i])}`).join(', ');

/** Rows absent on either side count as zeros: a delta netting to 0 may leave a row behind. */
export async function compareCounters(
  client: PoolClient,
  spec: CounterSpec,
  expected: Counters,
  report: ReportDifference,
): Promise<number> {
  const columns = [...spec.keys, ...spec.counters].join(', ');
  let rowsSeen = 0;
  for await (const rows of cursorRows(client, `verify_${spec.table}`, `SELECT ${columns} FROM read_models.${spec.table}`)) {
    for (const row of rows) {
      rowsSeen += 1;
      const key = spec.keys.map((k) => cell(row[k]));
      const id = counterRowId(key);
      const want = expected.rows.get(id);
      expected.rows.delete(id);
      for (const c of spec.counters) {
        const actual = BigInt(String(row[c] ?? '0'));
        const wanted = BigInt(want?.[c] ?? 0);
        if (actual !== wanted)
          report({ readModel: spec.table, key: describeKey(spec.keys, key), field: c, expected: String(wanted), actual: String(actual) });
      }
    }
  }
  for (const [id, left] of expected.rows) {
    for (const c of spec.counters) {
      const wanted = BigInt(left[c] ?? 0);
      if (wanted !== 0n)
        report({
          readModel: spec.table,
          key: describeKey(spec.keys, counterRowKey(id)),
          field: c,
          expected: String(wanted),
          actual: 'no row',
        });
    }
  }
  return rowsSeen;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const text = (v: number | string | boolean | null) => (v === null ? null : String(v));

const PAYMENT_COLUMNS: ReadonlyArray<readonly [string, (p: PaymentFacts) => string | null]> = [
  ['provider', (p) => p.provider],
  ['status', (p) => p.status],
  ['amount', (p) => text(p.amount)],
  ['currency', (p) => p.currency],
  ['refunded_amount', (p) => text(p.refunded)],
  ['customer_id', (p) => p.customerId],
  ['description', (p) => p.description],
  ['provider_payment_id', (p) => p.providerPaymentId],
  ['error_code', (p) => p.errorCode],
  ['error_message', (p) => p.errorMessage],
  ['fraud_flagged', (p) => text(p.fraudFlags > 0)],
  ['fraud_flag_count', (p) => text(p.fraudFlags)],
  ['disputed', (p) => text(p.disputed)],
  ['disputed_amount', (p) => text(p.disputedOpen)],
  ['dispute_losses', (p) => text(p.disputeLosses)],
  ['processing_time_ms', (p) => text(p.processingTimeMs)],
  ['created_at', (p) => iso(p.createdAt)],
  ['processing_at', (p) => iso(p.processingAt)],
  ['succeeded_at', (p) => iso(p.succeededAt)],
  ['failed_at', (p) => iso(p.failedAt)],
  ['updated_at', (p) => iso(p.updatedAt)],
  ['revision', (p) => text(p.revision)],
  ['captured_amount', (p) => (p.booked ? text(p.captured) : null)],
];

/** Every column of every payment row; consumes `expected` (each matched payment is dropped as it is compared). */
export async function comparePayments(client: PoolClient, expected: Map<string, PaymentFacts>, report: ReportDifference): Promise<number> {
  let rowsSeen = 0;
  for await (const rows of cursorRows(client, 'verify_payments', `SELECT ${PAYMENT_SELECT} FROM read_models.payments`)) {
    for (const row of rows) {
      rowsSeen += 1;
      const id = String(row.payment_id);
      const facts = expected.get(id);
      if (!facts) {
        reportRowWithoutPayment(id, report);
        continue;
      }
      expected.delete(id);
      comparePaymentRow(id, facts, row, report);
    }
  }
  for (const id of expected.keys()) reportMissingRow(id, report);
  return rowsSeen;
}

/** The rows of these payments only (looked up by id), each compared column by column; a payment without a row is reported. */
export async function comparePaymentsById(
  client: PoolClient,
  expected: ReadonlyMap<string, PaymentFacts>,
  report: ReportDifference,
): Promise<void> {
  if (expected.size === 0) return;
  const { rows } = await client.query<Row>(`SELECT ${PAYMENT_SELECT} FROM read_models.payments WHERE payment_id = ANY($1::text[])`, [
    [...expected.keys()],
  ]);
  const byId = new Map(rows.map((r) => [String(r.payment_id), r]));
  for (const [id, facts] of expected) {
    const row = byId.get(id);
    if (row) comparePaymentRow(id, facts, row, report);
    else reportMissingRow(id, report);
  }
}

/**
 * Payment rows with no payment in the events: no PaymentCreated in `streamPrefix || payment_id`
 * at or below the checkpoint. The auditor's own SQL, run once after the payments were compared by id.
 */
export async function reportRowsWithoutEvents(
  client: PoolClient,
  streamPrefix: string,
  upTo: { commit: bigint; prepare: bigint },
  report: ReportDifference,
): Promise<void> {
  const sql = `SELECT p.payment_id FROM read_models.payments p
    WHERE NOT EXISTS (SELECT 1 FROM event_store.events e
                       WHERE e.stream_id = $1 || p.payment_id AND e.event_type = 'PaymentCreated'
                         AND (e.transaction_id, e.global_position) <= ($2::text::xid8, $3::bigint))
    ORDER BY p.payment_id`;
  const { rows } = await client.query<{ payment_id: string }>(sql, [streamPrefix, upTo.commit.toString(), upTo.prepare.toString()]);
  for (const row of rows) reportRowWithoutPayment(row.payment_id, report);
}

const PAYMENT_SELECT = ['payment_id', ...PAYMENT_COLUMNS.map(([c]) => c)].join(', ');

function comparePaymentRow(id: string, facts: PaymentFacts, row: Row, report: ReportDifference): void {
  const key = `payment_id=${id}`;
  for (const [column, pick] of PAYMENT_COLUMNS) {
    const wanted = pick(facts);
    const actual = cell(row[column]);
    if (wanted !== actual) report({ readModel: 'payments', key, field: column, expected: show(wanted), actual: show(actual) });
  }
}

const reportRowWithoutPayment = (id: string, report: ReportDifference) =>
  report({
    readModel: 'payments',
    key: `payment_id=${id}`,
    field: 'row',
    expected: 'no row (no such payment in the events)',
    actual: 'a row',
  });

const reportMissingRow = (id: string, report: ReportDifference) =>
  report({ readModel: 'payments', key: `payment_id=${id}`, field: 'row', expected: 'a row', actual: 'no row' });
