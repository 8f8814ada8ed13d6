import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '@ledger/platform';
import { comparePositions, formatPosition, type EventStore, type Position } from '@ledger/event-store';
import { balanceOf } from '../accounts';
import { BOOKS_SCHEMA, booksProjection } from '../projection/books-projection';
import { tableIn } from '../projection/sql';
import { BOOKS_PERIOD_CLOSED, BOOKS_PERIODS_STREAM, ClosesReader, type BooksPeriodClosedData, type ClosingBalance } from './close-event';
import { journalLinesHash } from './journal-hash';
import { isPeriod, nextPeriod, periodStart, type Period } from './periods';

/** The books checkpoint, as its owner (libs/projections) reads and locks it; passed in, so this lib names no table of theirs. */
export interface BooksCheckpoint {
  read(): Promise<Position>;
  /** Locks the checkpoint row for the caller's transaction (the projector's next batch waits) and reads it. */
  lock(tx: PoolClient): Promise<Position>;
}

export interface ClosePeriodInput {
  readonly pool: Pool;
  readonly store: EventStore;
  readonly checkpoint: BooksCheckpoint;
  readonly period: string;
  readonly now: Date;
  readonly actor: string;
  /** How long to wait for the books to apply every event recorded at the call (default 60 s). */
  readonly waitMs?: number;
  readonly pollMs?: number;
}

export type CloseOutcome =
  { readonly closed: true; readonly data: BooksPeriodClosedData } | { readonly closed: false; readonly reason: string };

export class BooksBehindError extends Error {
  readonly code = 'books_behind';
  constructor(head: Position, at: Position, waitedMs: number) {
    super(
      `the books projection did not reach ${formatPosition(head)} within ${waitedMs} ms (it is at ${formatPosition(at)}): is the projector running?`,
    );
  }
}

/**
 * `ledger books close YYYY-MM`: refuses a period not over, already closed, or after an earlier open period with
 * entries; waits until the books have applied every payment and payout event recorded at the call; then, holding the books
 * checkpoint row, reads what the period's books hold and appends BooksPeriodClosed on `books-periods` with the
 * next expected revision (a close racing this one makes one of them fail, never two closes of one period).
 */
export async function closePeriod(input: ClosePeriodInput): Promise<CloseOutcome> {
  const { pool, store, checkpoint, period, now } = input;
  if (!isPeriod(period)) return { closed: false, reason: `not a period: ${JSON.stringify(period)} (expected YYYY-MM)` };
  const end = periodStart(nextPeriod(period));
  if (now < end) return { closed: false, reason: `${period} is not over (it ends at ${end.toISOString()})` };
  const closes = new ClosesReader(store);
  const known = await closes.read();
  const latest = known.reduce<Period | undefined>((max, c) => (max === undefined || c.period > max ? c.period : max), undefined);
  if (latest !== undefined && period <= latest) return { closed: false, reason: `${period} is already closed (closed up to ${latest})` };

  const [head] = await store.readAll({ direction: 'backwards', maxCount: 1, streamPrefix: booksProjection.streamPrefix });
  if (head) await waitFor(checkpoint, head.position, input.waitMs ?? 60_000, input.pollMs ?? 100);

  return withTransaction(pool, async (tx) => {
    const covered = await checkpoint.lock(tx);
    const open = await tx.query<{ period: string }>(
      `SELECT min(period) AS period FROM ${tableIn(BOOKS_SCHEMA, 'journal_entries')} WHERE period < $1 AND ($2::text IS NULL OR period > $2)`,
      [period, latest ?? null],
    );
    const earlier = open.rows[0]?.period;
    if (earlier) return { closed: false, reason: `${earlier} is still open: close it first` } as const;
    const data: BooksPeriodClosedData = {
      period,
      coveredPosition: formatPosition(covered),
      ...(await periodJournal(tx, period)),
      balances: await closingBalances(tx, end),
      closedAt: now.toISOString(),
    };
    const expected = closes.count === 0 ? ('no_stream' as const) : BigInt(closes.count - 1);
    const metadata = { actor: input.actor, occurredAt: now.toISOString(), schemaVersion: 1, correlationId: `books-close-${period}` };
    await store.appendToStream(BOOKS_PERIODS_STREAM, [{ type: BOOKS_PERIOD_CLOSED, data, metadata }], expected);
    return { closed: true, data } as const;
  });
}

async function waitFor(checkpoint: BooksCheckpoint, head: Position, waitMs: number, pollMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    const at = await checkpoint.read();
    if (comparePositions(at, head) >= 0) return;
    if (Date.now() - started > waitMs) throw new BooksBehindError(head, at, waitMs);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Cumulative balances at the period's end: whole days, so the movements alone answer it. */
async function closingBalances(tx: PoolClient, end: Date): Promise<ClosingBalance[]> {
  const { rows } = await tx.query<{ account: string; currency: string; debits: string; credits: string }>(
    `SELECT account, currency, sum(debits)::text AS debits, sum(credits)::text AS credits FROM ${tableIn(BOOKS_SCHEMA, 'movements')}
      WHERE effective_day < $1::date GROUP BY account, currency ORDER BY account, currency`,
    [end.toISOString()],
  );
  return rows.map((r) => ({ ...r, balance: balanceOf(r.account, BigInt(r.debits), BigInt(r.credits)).toString() }));
}

async function periodJournal(tx: PoolClient, period: Period): Promise<Pick<BooksPeriodClosedData, 'entries' | 'lines' | 'journalHash'>> {
  const { rows } = await tx.query<{
    entry_id: string;
    line_no: number;
    account: string;
    currency: string;
    debit: string;
    credit: string;
    effective_at: Date;
    late: boolean;
  }>(
    `SELECT l.entry_id, l.line_no, l.account, l.currency, l.debit::text, l.credit::text, l.effective_at, e.late
       FROM ${tableIn(BOOKS_SCHEMA, 'journal_lines')} l JOIN ${tableIn(BOOKS_SCHEMA, 'journal_entries')} e USING (entry_id)
      WHERE l.period = $1 ORDER BY l.commit_position, l.prepare_position, l.line_no`,
    [period],
  );
  const journalHash = journalLinesHash(
    rows.map((r) => ({
      entryId: r.entry_id,
      lineNo: r.line_no,
      account: r.account,
      currency: r.currency,
      debit: r.debit,
      credit: r.credit,
      effectiveAt: r.effective_at.toISOString(),
      late: r.late,
    })),
  );
  return { entries: new Set(rows.map((r) => r.entry_id)).size, lines: rows.length, journalHash };
}
