import type { PostingLine } from '@ledger/books';
import type { ReportedLine } from '../formats/reported-line';
import type { BreakRow, LineRow } from '../matching/batch-state';
import { breakSuspense, postLine, resolution, suspenseOnly, type PlacedLine } from './postings';

/** Kinds of break that belong to a line row of their own (the rest: a duplicate line, a payout's sum). */
const LINE_BREAKS = new Set(['unknown_to_ledger', 'amount_mismatch', 'currency_mismatch']);

export function settledThroughFx(line: Pick<ReportedLine, 'currency' | 'customerFacingCurrency'> | null | undefined): boolean {
  return !!line?.customerFacingCurrency && line.customerFacingCurrency !== line.currency;
}

/** A line as the rules post it, when it is explained (matched, a fee, the payout's own). */
export function placedOf(row: LineRow): PlacedLine {
  return {
    provider: row.provider,
    category: row.category,
    currency: row.currency,
    gross: row.gross,
    fee: row.fee,
    net: row.net,
    status: row.status as PlacedLine['status'],
    ...(row.fx_amount !== null && row.fx_currency ? { fx: { amount: Number(row.fx_amount), currency: row.fx_currency } } : {}),
  };
}

/** What a suspended line posts: its suspense (the break's), and its fee when only the amount's difference is held. */
function suspendedLinePosting(row: LineRow, b: Pick<BreakRow, 'kind' | 'ledger_amount'>): PostingLine[] {
  const held = breakSuspense(
    { category: row.category, gross: row.gross, net: row.net, settledThroughFx: settledThroughFx(row.line as ReportedLine | null) },
    b.kind,
    b.ledger_amount,
  );
  return postLine({
    ...placedOf(row),
    status: 'break',
    ...(held.ledgerAmount !== undefined ? { ledgerAmount: held.ledgerAmount } : {}),
  });
}

/** A resolution's move, when the break was resolved by a person (the rest of its life posts nothing more). */
function resolved(b: BreakRow): PostingLine[] {
  return b.closed_by === 'resolution' && b.account ? resolution(b.provider, b.suspense_amount, b.currency, b.account) : [];
}

/**
 * Everything the books hold for a payout version's lines and breaks, net: a corrected payout reverses exactly this.
 * A line later matched by its fact is its matched posting (suspense in and out cancel); a break resolved by a person
 * is its suspense and the resolution's move; breaks already closed by an earlier correction were reversed then.
 */
export function postedForPayout(lines: readonly LineRow[], breaks: ReadonlyMap<string, BreakRow>): PostingLine[] {
  const out: PostingLine[] = [];
  for (const row of lines) {
    if (row.status !== 'break') {
      out.push(...postLine(placedOf(row)));
      continue;
    }
    const b = row.break_id ? breaks.get(row.break_id) : undefined;
    if (!b) throw new Error(`suspended line ${row.line_id} of ${row.payout_id} has no break`);
    if (b.closed_by === 'correction') continue;
    out.push(...suspendedLinePosting(row, b), ...resolved(b));
  }
  for (const b of breaks.values()) {
    if (LINE_BREAKS.has(b.kind) || b.closed_by === 'correction' || b.closed_by === 'late_line') continue;
    out.push(...suspenseOnly(b.provider, b.suspense_amount, b.currency), ...resolved(b));
  }
  return out;
}
