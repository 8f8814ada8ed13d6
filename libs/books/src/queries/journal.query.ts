import type { Pool } from 'pg';
import { BOOKS_SCHEMA } from '../projection/books-projection';
import { tableIn } from '../projection/sql';

export interface JournalLineView {
  readonly account: string;
  readonly currency: string;
  /** Minor units (a single amount: an integer). */
  readonly debit: number;
  readonly credit: number;
}

/** One entry as the API and the CLI show it (CONTRACT.md › "Books"), with its memo. */
export interface JournalEntryView {
  readonly entryId: string;
  readonly eventId: string;
  readonly paymentId?: string;
  readonly provider?: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly effectiveAt: string;
  readonly period: string;
  readonly late: boolean;
  readonly memo: string;
  readonly lines: JournalLineView[];
}

export interface JournalQuery {
  /** Effective dates from (inclusive) … to (exclusive). */
  readonly from?: Date;
  readonly to?: Date;
  readonly account?: string;
  readonly paymentId?: string;
  readonly cursor?: string;
  readonly limit?: number;
}

export interface JournalPage {
  readonly entries: JournalEntryView[];
  readonly nextCursor: string | null;
}

export class InvalidCursorError extends Error {
  readonly code = 'invalid_cursor';
  constructor() {
    super('cursor is not one this endpoint gave');
  }
}

interface Key {
  readonly effectiveAt: string;
  readonly commit: string;
  readonly prepare: string;
}

const encode = (k: Key) => Buffer.from(`${k.effectiveAt}|${k.commit}|${k.prepare}`).toString('base64url');

function decode(cursor: string): Key {
  const [effectiveAt, commit, prepare] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!effectiveAt || Number.isNaN(Date.parse(effectiveAt)) || !/^\d{1,20}$/.test(commit ?? '') || !/^\d{1,20}$/.test(prepare ?? ''))
    throw new InvalidCursorError();
  return { effectiveAt, commit, prepare };
}

/** The journal in effective-date order (then global order), a page at a time; `nextCursor` null on the last page. */
export async function queryJournal(db: Pick<Pool, 'query'>, query: JournalQuery, schema = BOOKS_SCHEMA): Promise<JournalPage> {
  const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
  const after = query.cursor ? decode(query.cursor) : undefined;
  const { rows } = await db.query<{
    entry_id: string;
    event_id: string;
    payment_id: string | null;
    provider: string | null;
    occurred_at: Date;
    recorded_at: Date;
    effective_at: Date;
    period: string;
    late: boolean;
    memo: string;
    commit_position: string;
    prepare_position: string;
    lines: { account: string; currency: string; debit: string; credit: string }[];
  }>(
    `SELECT e.*, (SELECT json_agg(json_build_object('account', l.account, 'currency', l.currency, 'debit', l.debit::text, 'credit', l.credit::text)
                           ORDER BY l.line_no)
                    FROM ${tableIn(schema, 'journal_lines')} l WHERE l.entry_id = e.entry_id) AS lines
       FROM ${tableIn(schema, 'journal_entries')} e
      WHERE ($1::timestamptz IS NULL OR e.effective_at >= $1) AND ($2::timestamptz IS NULL OR e.effective_at < $2)
        AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM ${tableIn(schema, 'journal_lines')} a WHERE a.entry_id = e.entry_id AND a.account = $3))
        AND ($4::text IS NULL OR e.payment_id = $4)
        AND ($5::timestamptz IS NULL OR (e.effective_at, e.commit_position, e.prepare_position) > ($5, $6::bigint, $7::bigint))
      ORDER BY e.effective_at, e.commit_position, e.prepare_position
      LIMIT $8`,
    [
      query.from?.toISOString() ?? null,
      query.to?.toISOString() ?? null,
      query.account ?? null,
      query.paymentId ?? null,
      after?.effectiveAt ?? null,
      after?.commit ?? null,
      after?.prepare ?? null,
      limit + 1,
    ],
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    entries: page.map((r) => ({
      entryId: r.entry_id,
      eventId: r.event_id,
      ...(r.payment_id ? { paymentId: r.payment_id } : {}),
      ...(r.provider ? { provider: r.provider } : {}),
      occurredAt: r.occurred_at.toISOString(),
      recordedAt: r.recorded_at.toISOString(),
      effectiveAt: r.effective_at.toISOString(),
      period: r.period,
      late: r.late,
      memo: r.memo,
      lines: r.lines.map((l) => ({ account: l.account, currency: l.currency, debit: Number(l.debit), credit: Number(l.credit) })),
    })),
    nextCursor:
      rows.length > limit && last
        ? encode({ effectiveAt: last.effective_at.toISOString(), commit: last.commit_position, prepare: last.prepare_position })
        : null,
  };
}
