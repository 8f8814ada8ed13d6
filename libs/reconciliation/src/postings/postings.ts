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
  /**
   * A break on the amount (amount_mismatch, same currency): what the ledger booked for it, signed as the line's gross
   * (`signedLedgerAmount`). The fee is then booked and only the difference waits in suspense.
   */
  readonly ledgerAmount?: number;
  /** A line settled through FX: what the charge was, in its own currency (the ledger booked that). */
  readonly fx?: { readonly amount: number; readonly currency: string };
}

/** Categories whose ledger fact is money out (a refund, a dispute's withdrawal, an uncaptured rest): the line is negative. */
const MONEY_OUT = new Set(['refund', 'dispute', 'partial_capture_reversal']);

/** The ledger's amount of a line's fact (always positive in a fact) with the sign the line carries it with. */
function signedLedgerAmount(category: string, amount: number): number {
  return MONEY_OUT.has(category) ? -amount : amount;
}

/**
 * What a break puts in `suspense:<p>` (the break's `suspense_amount`), and whether the line's fee is booked beside
 * it: an amount mismatch in the fact's currency books the fee and holds the difference from what the ledger booked;
 * every other break (unknown to the ledger, another currency, a mismatch settled through FX) holds the line's net.
 */
export function breakSuspense(
  line: Pick<PlacedLine, 'category' | 'gross' | 'net'> & { readonly settledThroughFx?: boolean },
  kind: string,
  ledgerAmount: number | null | undefined,
): { readonly suspense: number; readonly ledgerAmount?: number } {
  if (kind !== 'amount_mismatch' || ledgerAmount === null || ledgerAmount === undefined || line.settledThroughFx)
    return { suspense: line.net };
  const signed = signedLedgerAmount(line.category, ledgerAmount);
  return { suspense: line.gross - signed, ledgerAmount: signed };
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
        // The charge's amount with the line's sign, whatever sign the report gave the customer-facing amount.
        ...move(Math.sign(line.gross) * Math.abs(line.fx.amount), line.fx.currency, accounts.fx(p), accounts.provider(p)),
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

/** Statuses of a payout whose money has reached the bank (Stripe reports reconciliation_completed after paid). */
export function isPaidStatus(status: string | null | undefined): boolean {
  return status === 'paid' || status === 'reconciliation_completed';
}

/** A payout paid moves its amount from `provider:<p>` to `bank:<p>`; `failed` or `canceled` after paid moves it back. */
export function payoutStatus(provider: string, status: string, wasPaid: boolean, amount: number, currency: string): PostingLine[] {
  if (isPaidStatus(status) && !wasPaid) return move(amount, currency, accounts.bank(provider), accounts.provider(provider));
  if ((status === 'failed' || status === 'canceled') && wasPaid)
    return move(amount, currency, accounts.provider(provider), accounts.bank(provider));
  return [];
}

/** What a break held in suspense without a line of its own (a duplicate line, a payout's sum): provider → suspense. */
export function suspenseOnly(provider: string, suspenseAmount: number, currency: string): PostingLine[] {
  return move(suspenseAmount, currency, accounts.provider(provider), accounts.suspense(provider));
}

/**
 * Sums lines per account, currency and side: an entry of a 500-line chunk stays a few lines. Debits and credits of
 * an account are kept apart (a fee returned stays visible as a credit of the fees beside the fees charged).
 */
export function aggregate(lines: readonly PostingLine[]): PostingLine[] {
  const sums = new Map<string, { account: string; currency: string; debit: number; credit: number }>();
  for (const l of lines) {
    const k = `${l.account}\u0000${l.currency}`;
    const sum = sums.get(k) ?? { account: l.account, currency: l.currency, debit: 0, credit: 0 };
    sum.debit += l.debit;
    sum.credit += l.credit;
    sums.set(k, sum);
  }
  const out: PostingLine[] = [];
  for (const s of sums.values()) {
    if (!Number.isSafeInteger(s.debit) || !Number.isSafeInteger(s.credit)) throw new Error(`posting sum beyond 2^53 on ${s.account}`);
    if (s.debit > 0) out.push({ account: s.account, currency: s.currency, debit: s.debit, credit: 0 });
    if (s.credit > 0) out.push({ account: s.account, currency: s.currency, debit: 0, credit: s.credit });
  }
  return out;
}

/** A resolution moves the break's suspense amount (a credit balance of `suspense:<p>`) to the account a person named. */
export function resolution(provider: string, suspenseAmount: number, currency: string, account: string): PostingLine[] {
  return move(suspenseAmount, currency, accounts.suspense(provider), account);
}
