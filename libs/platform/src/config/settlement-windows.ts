/** Seconds after a payment's success within which a payout of its provider and currency should hold it. */
export type SettlementWindows = Readonly<Record<'stripe' | 'paystack', number>>;

/** CONTRACT.md › Reconciliation: `SETTLEMENT_WINDOWS` default `stripe=7d,paystack=2d`. */
export const DEFAULT_SETTLEMENT_WINDOWS: SettlementWindows = { stripe: 7 * 86_400, paystack: 2 * 86_400 };

const UNIT: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `stripe=7d,paystack=2d` (each `<provider>=<n><s|m|h|d>`): a provider left out keeps its default. */
export function parseSettlementWindows(text: string | undefined): SettlementWindows {
  const windows = { ...DEFAULT_SETTLEMENT_WINDOWS };
  for (const part of (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^(stripe|paystack)=(\d+)([smhd])$/.exec(part);
    if (!match) throw new Error(`"${part}" is not stripe=<n><s|m|h|d> or paystack=<n><s|m|h|d> (e.g. stripe=7d,paystack=2d)`);
    windows[match[1] as keyof SettlementWindows] = Number(match[2]) * UNIT[match[3]];
  }
  return windows;
}
