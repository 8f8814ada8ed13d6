import type { PostingLine } from '@ledger/books';
import { accounts, move } from '@ledger/books';

/** A placed line as the reconciliation projection keeps it (read_models.reconciliation_lines). */
export interface PlacedLine {
  readonly provider: string;
  readonly category: string;
  readonly currency: string;
  readonly gross: number;
  readonly fee: number;
  readonly net: number;
  readonly status: 'matched' | 'fee' | 'payout' | 'break';
  /** What the ledger booked for it when the line broke on the amount (amount_mismatch), in `currency`. */
  readonly ledgerAmount?: number;
  /** A line settled through FX: what the charge was, in its own currency (the ledger booked that). */
  readonly fx?: { readonly amount: number; readonly currency: string };
}

/**
 * The books' lines for one report line (CONTRACT.md › Books: "Fees, payouts and FX come with reconciliation"). What
 * the payment events booked (captures, refunds, disputes) is not booked again; a line adds:
 * - its own fee with its sign: `expense:fees:<p>` / `provider:<p>` (a fee returned is a negative fee);
 * - a fee line's amount the same way;
 * - FX: the charge's amount leaves `provider:<p>` in its currency through `fx:<p>`, and the settled gross enters
 *   `provider:<p>` in the settlement currency through `fx:<p>`: `fx:<p>` keeps the difference, per currency;
 * - a break: what the provider holds that the books cannot place waits in `suspense:<p>` (the net; for an amount
 *   mismatch the difference), until a late fact reverses it (`reverse`) or a resolution moves it (`resolution`).
 * Payout lines post nothing here: the payout is posted from its status (`payoutStatus`).
 */
export function postLine(line: PlacedLine): PostingLine[] {
  const p = line.provider;
  const fee = move(line.fee, line.currency, accounts.fees(p), accounts.provider(p));
  switch (line.status) {
    case 'payout':
      return [];
    case 'fee':
      return [...fee, ...move(-line.gross, line.currency, accounts.fees(p), accounts.provider(p))];
    case 'matched':
      if (!line.fx) return fee;
      return [
        ...fee,
        ...move(line.fx.amount, line.fx.currency, accounts.fx(p), accounts.provider(p)),
        ...move(line.gross, line.currency, accounts.provider(p), accounts.fx(p)),
      ];
    case 'break': {
      const unplaced = line.ledgerAmount === undefined ? line.net : line.gross - line.ledgerAmount;
      return [
        ...(line.ledgerAmount === undefined ? [] : fee),
        ...move(unplaced, line.currency, accounts.provider(p), accounts.suspense(p)),
      ];
    }
  }
}

/** The exact reverse of some lines (a late fact takes a line out of suspense; a payout fails after it was paid). */
export function reverse(lines: readonly PostingLine[]): PostingLine[] {
  return lines.map((l) => ({ ...l, debit: l.credit, credit: l.debit }));
}

/** A payout paid moves its amount from `provider:<p>` to `bank:<p>`; `failed` or `canceled` after paid moves it back. */
export function payoutStatus(provider: string, status: string, wasPaid: boolean, amount: number, currency: string): PostingLine[] {
  if (status === 'paid' && !wasPaid) return move(amount, currency, accounts.bank(provider), accounts.provider(provider));
  if ((status === 'failed' || status === 'canceled') && wasPaid)
    return move(amount, currency, accounts.provider(provider), accounts.bank(provider));
  return [];
}

/** A resolution moves the break's suspense amount (a credit balance of `suspense:<p>`) to the account a person named. */
export function resolution(provider: string, suspenseAmount: number, currency: string, account: string): PostingLine[] {
  return move(suspenseAmount, currency, accounts.suspense(provider), account);
}
