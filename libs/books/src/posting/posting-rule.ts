/** One line of a journal entry: one account, one currency, a debit or a credit (minor units, never both). */
export interface PostingLine {
  readonly account: string;
  readonly currency: string;
  readonly debit: number;
  readonly credit: number;
}

/**
 * A posting rule: a pure function of one event and the books' state of what the event is about (before the
 * event) to the lines of its journal entry. No I/O, no clock. An empty list posts nothing. `name` is the entry's
 * memo. Rules are grouped by family, one file each (`posting/rules/*.rule.ts`); every list of lines a rule
 * returns must balance per currency (`postEntry` checks it and refuses the event otherwise).
 *
 * `E` is the event union the rule reads (payment events here; payout events for reconciliation), `S` the state.
 */
export interface PostingRule<E extends { readonly type: string; readonly data: unknown }, S> {
  readonly name: string;
  /** The event types it posts; a rule is asked only about these. */
  readonly eventTypes: readonly E['type'][];
  post(event: E, state: S): readonly PostingLine[];
}

/** Two lines moving `amount` from `credit` to `debit`; a negative amount moves it the other way, zero posts nothing. */
export function move(amount: number, currency: string, debit: string, credit: string): PostingLine[] {
  if (amount === 0) return [];
  if (amount < 0) return move(-amount, currency, credit, debit);
  return [
    { account: debit, currency, debit: amount, credit: 0 },
    { account: credit, currency, debit: 0, credit: amount },
  ];
}

/** Σ debits − Σ credits per currency of some lines (0 for every currency when they balance). */
export function differences(lines: readonly PostingLine[]): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  for (const line of lines) sums.set(line.currency, (sums.get(line.currency) ?? 0n) + BigInt(line.debit) - BigInt(line.credit));
  return sums;
}

export class UnbalancedEntryError extends Error {
  readonly code = 'unbalanced_entry';
  constructor(rule: string, currency: string, difference: bigint) {
    super(`posting rule "${rule}" produced an entry that does not balance in ${currency} (debits − credits = ${difference})`);
  }
}

/** Refuses lines that do not balance per currency, or that carry a negative, fractional or two-sided amount. */
export function assertBalanced(rule: string, lines: readonly PostingLine[]): void {
  for (const line of lines) {
    const ok = Number.isSafeInteger(line.debit) && Number.isSafeInteger(line.credit) && line.debit >= 0 && line.credit >= 0;
    if (!ok || line.debit > 0 === line.credit > 0)
      throw new Error(`posting rule "${rule}" produced a malformed line: ${JSON.stringify(line)}`);
  }
  for (const [currency, difference] of differences(lines))
    if (difference !== 0n) throw new UnbalancedEntryError(rule, currency, difference);
}
