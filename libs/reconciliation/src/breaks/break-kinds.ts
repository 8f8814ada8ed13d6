export const BREAK_KINDS = [
  'unknown_to_ledger',
  'amount_mismatch',
  'currency_mismatch',
  'missing_from_payout',
  'payout_sum_mismatch',
  'duplicate_line',
] as const;
export type BreakKind = (typeof BREAK_KINDS)[number];

export function isBreakKind(value: unknown): value is BreakKind {
  return (BREAK_KINDS as readonly unknown[]).includes(value);
}
