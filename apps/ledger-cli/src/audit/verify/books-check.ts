import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { comparePositions, type EventStore, type Position, type RecordedEvent } from '@ledger/event-store';
import { paymentIdFromStream, StreamUpcaster, type PaymentEvent } from '@ledger/payments-domain';
import { storedCheckpoint } from './checkpoints';
import type { ReportDifference } from './compare-tables';
import { eventsInStore, eventsInTable, PAGE_SIZE, type StoredEvents } from './stored-events';

/**
 * The books recomputed by the auditor's own code (nothing from @ledger/books): the chart's accounts and the posting
 * rules of CONTRACT.md › "Books", the effective dates and late entries from the stored closes, then every stored
 * entry compared line by line, every entry and the trial balance checked to balance per currency, the day and hour
 * movements checked against the lines, and each close's balances and journal hash checked against what it recorded.
 */
const BOOKS = 'books';
/** The books read the payment streams and the payout streams (the reconciliation's postings among them). */
const BOOKS_STREAMS = 'pay';
const POSTED = 'ReconciliationPosted';
/** Payout events the books journal nothing for: the reconciliation posts what they move as ReconciliationPosted. */
const RECONCILIATION_INPUTS = new Set([
  'PayoutReported',
  'PayoutCorrected',
  'PayoutLinesReported',
  'PayoutStatusReported',
  'ReconciliationBreakResolved',
]);

interface Line {
  account: string;
  currency: string;
  debit: bigint;
  credit: bigint;
}
interface Entry {
  effectiveAt: string;
  period: string;
  late: boolean;
  lines: Line[];
  position: Position;
}
interface Close {
  period: string;
  covered: Position;
  balances: { account: string; currency: string; debits: string; credits: string; balance: string }[];
  journalHash: string;
}
interface Payment {
  provider: string;
  refunded: number;
  suspense: Map<string, { amount: number; currency: string }>;
}

const pair = (amount: number, currency: string, debit: string, credit: string): Line[] => {
  if (amount === 0) return [];
  if (amount < 0) return pair(-amount, currency, credit, debit);
  const a = BigInt(amount);
  return [
    { account: debit, currency, debit: a, credit: 0n },
    { account: credit, currency, debit: 0n, credit: a },
  ];
};

/** The lines of one event by the contract's rules, and the payment's books after it. */
function post(event: PaymentEvent, payment: Payment | undefined): Line[] {
  if (!payment) return [];
  const p = payment.provider;
  switch (event.type) {
    case 'PaymentSucceeded':
      return pair(event.data.amount, event.data.currency, `provider:${p}`, 'revenue:sales');
    case 'PaymentRefunded':
    case 'PaymentRefundReported':
    case 'PaymentRefundReversed': {
      const lines = pair(event.data.totalRefunded - payment.refunded, event.data.currency, 'revenue:refunds', `provider:${p}`);
      payment.refunded = event.data.totalRefunded;
      return lines;
    }
    case 'PaymentDisputed':
      return pair(event.data.amount, event.data.currency, `provider:${p}:disputed`, `provider:${p}`);
    case 'PaymentDisputeClosed':
      return pair(
        event.data.amount,
        event.data.currency,
        event.data.outcome === 'lost' ? 'expense:dispute_losses' : `provider:${p}`,
        `provider:${p}:disputed`,
      );
    case 'PaymentProviderMismatch': {
      const { amount, currency } = event.data.provider;
      if (!event.data.holds || !amount || !currency || payment.suspense.has(event.data.mismatchId)) return [];
      payment.suspense.set(event.data.mismatchId, { amount, currency });
      return pair(amount, currency, `provider:${p}`, `suspense:${p}`);
    }
    case 'PaymentMismatchReviewed': {
      const held = payment.suspense.get(event.data.mismatchId);
      if (!held) return [];
      payment.suspense.delete(event.data.mismatchId);
      return pair(held.amount, held.currency, `suspense:${p}`, `provider:${p}`);
    }
    default:
      return [];
  }
}

const month = (iso: string) => iso.slice(0, 7);
const monthAfter = (period: string) => {
  const [y, m] = period.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
};

function dated(event: RecordedEvent, closes: readonly Close[], occurred = (event.metadata as { occurredAt?: string }).occurredAt) {
  const at = occurred && !Number.isNaN(Date.parse(occurred)) ? new Date(occurred).toISOString() : event.recordedAt.toISOString();
  const closed = closes.filter((c) => comparePositions(c.covered, event.position) < 0).map((c) => c.period);
  const latest = closed.sort().at(-1);
  if (!latest || month(at) > latest) return { effectiveAt: at, period: month(at), late: false };
  const open = monthAfter(latest);
  return { effectiveAt: `${open}-01T00:00:00.000Z`, period: open, late: true };
}

/**
 * The lines a ReconciliationPosted gives the books, each checked: integers of minor units, one side each, and the
 * entry balanced per currency (a difference is reported and the lines are still returned, as the books would refuse
 * them). (The reconciliation check may export and call it, to compare what was posted with what it recomputes.)
 */
function postedLines(event: RecordedEvent, report: ReportDifference): Line[] {
  const raw = (event.data as { lines?: unknown }).lines;
  const lines: Line[] = [];
  const sums = new Map<string, bigint>();
  for (const l of Array.isArray(raw) ? (raw as Record<string, unknown>[]) : []) {
    const { account, currency, debit, credit } = l;
    const ok =
      typeof account === 'string' &&
      typeof currency === 'string' &&
      Number.isSafeInteger(debit) &&
      Number.isSafeInteger(credit) &&
      (debit as number) >= 0 &&
      (credit as number) >= 0 &&
      (debit as number) > 0 !== (credit as number) > 0;
    if (!ok) {
      report({
        readModel: 'books',
        key: `event_id=${event.eventId}`,
        field: 'posted line',
        expected: 'a debit or a credit',
        actual: JSON.stringify(l),
      });
      continue;
    }
    const line = { account, currency, debit: BigInt(debit as number), credit: BigInt(credit as number) };
    lines.push(line);
    sums.set(currency, (sums.get(currency) ?? 0n) + line.debit - line.credit);
  }
  if (!Array.isArray(raw))
    report({ readModel: 'books', key: `event_id=${event.eventId}`, field: 'lines', expected: 'a list', actual: String(raw) });
  for (const [currency, d] of sums)
    if (d !== 0n)
      report({
        readModel: 'books',
        key: `event_id=${event.eventId}`,
        field: `posted difference ${currency}`,
        expected: '0',
        actual: String(d),
      });
  return lines;
}

/** One payout-stream event: a posting's entry, or nothing (an input of the reconciliation), or a difference. */
function postPayoutStream(recorded: RecordedEvent, closes: readonly Close[], report: ReportDifference): Entry | undefined {
  if (recorded.type !== POSTED) {
    if (!RECONCILIATION_INPUTS.has(recorded.type))
      report({
        readModel: 'books',
        key: `event_id=${recorded.eventId}`,
        field: 'type',
        expected: 'an event the books read',
        actual: recorded.type,
      });
    return undefined;
  }
  const lines = postedLines(recorded, report);
  if (lines.length === 0) return undefined;
  const effectiveAt = (recorded.data as { effectiveAt?: string }).effectiveAt;
  return { ...dated(recorded, closes, effectiveAt), lines, position: recorded.position };
}

export async function checkBooks(
  client: PoolClient,
  read: StoredEvents,
  closesStored: () => Promise<RecordedEvent[]>,
  report: ReportDifference,
): Promise<void> {
  const checkpoint = await storedCheckpoint(client, BOOKS);
  const closes: Close[] = (await closesStored()).map((e) => {
    const d = e.data as { period: string; coveredPosition: string; balances: Close['balances']; journalHash: string };
    const [commit, prepare] = d.coveredPosition.split('/').map(BigInt);
    return { period: d.period, covered: { commit, prepare }, balances: d.balances, journalHash: d.journalHash };
  });
  const expected = new Map<string, Entry>();
  const payments = new Map<string, Payment>();
  const upcaster = new StreamUpcaster();
  let applied = 0n;
  for await (const page of read(checkpoint.position)) {
    for (const recorded of page) {
      if (comparePositions(recorded.position, checkpoint.position) > 0) continue;
      applied += 1n;
      const id = paymentIdFromStream(recorded.streamId);
      if (id === undefined) {
        const entry = postPayoutStream(recorded, closes, report);
        if (entry) expected.set(recorded.eventId, entry);
        continue;
      }
      const event = upcaster.read(recorded);
      if (event.type === 'PaymentCreated') payments.set(id, { provider: event.data.provider, refunded: 0, suspense: new Map() });
      const lines = post(event, payments.get(id));
      if (lines.length > 0) expected.set(recorded.eventId, { ...dated(recorded, closes), lines, position: recorded.position });
    }
  }
  if (applied !== checkpoint.eventsApplied) {
    report({
      readModel: 'books',
      key: 'checkpoint',
      field: 'events_applied',
      expected: `${applied} (stored events up to it)`,
      actual: String(checkpoint.eventsApplied),
    });
  }
  const stored = await storedEntries(client);
  // What the books hold must balance and show each close as it was recorded, as must what the events give.
  checkBalanced(stored, report);
  for (const close of closes) checkClose(close, stored, report, 'as stored');
  const extra = new Map(stored);
  for (const [entryId, entry] of expected) {
    const actual = extra.get(entryId);
    extra.delete(entryId);
    const want = JSON.stringify({
      effectiveAt: entry.effectiveAt,
      period: entry.period,
      late: entry.late,
      lines: entry.lines.map(showLine),
    });
    const got = actual
      ? JSON.stringify({ effectiveAt: actual.effectiveAt, period: actual.period, late: actual.late, lines: actual.lines.map(showLine) })
      : 'missing';
    if (want !== got)
      report({ readModel: 'books.journal_entries', key: `entry_id=${entryId}`, field: 'entry', expected: want, actual: got });
  }
  for (const entryId of extra.keys())
    report({
      readModel: 'books.journal_entries',
      key: `entry_id=${entryId}`,
      field: 'entry',
      expected: 'none (no such posting)',
      actual: 'stored',
    });
  await checkMovements(client, report);
  for (const close of closes) checkClose(close, expected, report, 'recomputed from the events');
}

const showLine = (l: Line) => `${l.account} ${l.currency} ${l.debit}/${l.credit}`;

async function storedEntries(client: PoolClient): Promise<Map<string, Entry>> {
  const { rows } = await client.query<{
    entry_id: string;
    effective_at: Date;
    period: string;
    late: boolean;
    commit: string;
    prepare: string;
    lines: { a: string; c: string; d: string; k: string }[];
  }>(
    `SELECT e.entry_id, e.effective_at, e.period, e.late, e.commit_position::text AS commit, e.prepare_position::text AS prepare,
            (SELECT json_agg(json_build_object('a', l.account, 'c', l.currency, 'd', l.debit::text, 'k', l.credit::text) ORDER BY l.line_no)
               FROM books.journal_lines l WHERE l.entry_id = e.entry_id) AS lines
       FROM books.journal_entries e`,
  );
  return new Map(
    rows.map((r) => [
      r.entry_id,
      {
        effectiveAt: r.effective_at.toISOString(),
        period: r.period,
        late: r.late,
        position: { commit: BigInt(r.commit), prepare: BigInt(r.prepare) },
        lines: (r.lines ?? []).map((l) => ({ account: l.a, currency: l.c, debit: BigInt(l.d), credit: BigInt(l.k) })),
      },
    ]),
  );
}

function checkBalanced(entries: Map<string, Entry>, report: ReportDifference): void {
  const trial = new Map<string, bigint>();
  for (const [entryId, entry] of entries) {
    const own = new Map<string, bigint>();
    for (const l of entry.lines) {
      own.set(l.currency, (own.get(l.currency) ?? 0n) + l.debit - l.credit);
      trial.set(l.currency, (trial.get(l.currency) ?? 0n) + l.debit - l.credit);
    }
    for (const [currency, d] of own)
      if (d !== 0n)
        report({ readModel: 'books', key: `entry_id=${entryId}`, field: `difference ${currency}`, expected: '0', actual: String(d) });
  }
  for (const [currency, d] of trial)
    if (d !== 0n) report({ readModel: 'books', key: 'trial balance', field: `difference ${currency}`, expected: '0', actual: String(d) });
}

/** Every day and hour bucket of the movements equals the sums of the stored lines in it (which the entries check compared). */
async function checkMovements(client: PoolClient, report: ReportDifference): Promise<void> {
  const { rows } = await client.query<{ what: string; key: string; expected: string | null; actual: string | null }>(
    `WITH l AS (SELECT account, currency, debit, credit, effective_at, recorded_at FROM books.journal_lines),
     want AS (
       SELECT 'clock_movements' AS what, concat_ws(' ', c.clock, b.grain, b.bucket, account, currency) AS key, sum(debit)::text || '/' || sum(credit)::text AS v
         FROM l CROSS JOIN LATERAL (VALUES ('effective', l.effective_at), ('recorded', l.recorded_at)) AS c(clock, at)
         CROSS JOIN LATERAL (VALUES ('day', date_trunc('day', c.at, 'UTC')), ('hour', date_trunc('hour', c.at, 'UTC'))) AS b(grain, bucket)
        GROUP BY 1, 2
       UNION ALL
       SELECT 'movements', concat_ws(' ', (effective_at AT TIME ZONE 'UTC')::date, (recorded_at AT TIME ZONE 'UTC')::date, account, currency), sum(debit)::text || '/' || sum(credit)::text
         FROM l GROUP BY 1, 2),
     have AS (
       SELECT 'clock_movements' AS what, concat_ws(' ', clock, grain, bucket, account, currency) AS key, debits::text || '/' || credits::text AS v FROM books.clock_movements
       UNION ALL
       SELECT 'movements', concat_ws(' ', effective_day, recorded_day, account, currency), debits::text || '/' || credits::text FROM books.movements)
     SELECT coalesce(w.what, h.what) AS what, coalesce(w.key, h.key) AS key, w.v AS expected, h.v AS actual
       FROM want w FULL JOIN have h ON (w.what, w.key) = (h.what, h.key)
      WHERE w.v IS DISTINCT FROM h.v AND coalesce(w.v, h.v) <> '0/0'`,
  );
  for (const r of rows)
    report({
      readModel: `books.${r.what}`,
      key: r.key,
      field: 'debits/credits',
      expected: r.expected ?? 'no row',
      actual: r.actual ?? 'no row',
    });
}

function checkClose(close: Close, entries: Map<string, Entry>, report: ReportDifference, source: string): void {
  const end = `${monthAfter(close.period)}-01T00:00:00.000Z`;
  const sums = new Map<string, { debits: bigint; credits: bigint }>();
  const lines: string[] = [];
  const ordered = [...entries.entries()].sort(([, a], [, b]) => comparePositions(a.position, b.position));
  for (const [entryId, entry] of ordered) {
    if (entry.effectiveAt < end) {
      for (const l of entry.lines) {
        const key = `${l.account}|${l.currency}`;
        const s = sums.get(key) ?? { debits: 0n, credits: 0n };
        s.debits += l.debit;
        s.credits += l.credit;
        sums.set(key, s);
      }
    }
    if (entry.period === close.period) {
      entry.lines.forEach((l, i) =>
        lines.push(`${entryId}|${i + 1}|${l.account}|${l.currency}|${l.debit}|${l.credit}|${entry.effectiveAt}|${entry.late}\n`),
      );
    }
  }
  const recorded = new Map(close.balances.map((b) => [`${b.account}|${b.currency}`, `${b.debits}/${b.credits}`]));
  for (const key of new Set([...sums.keys(), ...recorded.keys()])) {
    const s = sums.get(key);
    const want = s ? `${s.debits}/${s.credits}` : 'none';
    const got = recorded.get(key) ?? 'none';
    if (want !== got)
      report({
        readModel: 'books-periods',
        key: `${close.period} ${key}`,
        field: `closing debits/credits, ${source}`,
        expected: want,
        actual: got,
      });
  }
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line);
  const digest = hash.digest('hex');
  if (digest !== close.journalHash)
    report({ readModel: 'books-periods', key: close.period, field: `journalHash, ${source}`, expected: digest, actual: close.journalHash });
}

/** The period closes, by the auditor's own SQL (their stream is not a payment stream). */
export function closesInTable(client: PoolClient): () => Promise<RecordedEvent[]> {
  return async () => {
    const { rows } = await client.query<{ data: unknown }>(
      `SELECT data FROM event_store.events WHERE stream_id = 'books-periods' AND event_type = 'BooksPeriodClosed' ORDER BY revision`,
    );
    return rows.map((r) => ({ data: r.data }) as RecordedEvent);
  };
}

/** PostgreSQL: the events the books read (payment and payout streams) up to `to`, by the auditor's own SQL, in global order. */
export function booksEventsInTable(client: PoolClient, pageSize = PAGE_SIZE): StoredEvents {
  return eventsInTable(client, pageSize, BOOKS_STREAMS);
}

/** EventStoreDB: the events the books read, through the adapter, page by page. */
export function booksEventsInStore(store: Pick<EventStore, 'readAll'>, pageSize = PAGE_SIZE): StoredEvents {
  return eventsInStore(store, pageSize, BOOKS_STREAMS);
}

export function closesInStore(store: Pick<EventStore, 'readStream'>): () => Promise<RecordedEvent[]> {
  return async () => (await store.readStream('books-periods')).filter((e) => e.type === 'BooksPeriodClosed');
}
