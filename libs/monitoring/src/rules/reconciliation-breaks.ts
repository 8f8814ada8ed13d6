import { alertKey, newAlert, type AlertPayload } from '../alerts/alert';
import { formatAmount } from './format-amount';

/** A break as the reconciliation projection raises it (libs/reconciliation owns the shape; this is what an alert needs). */
export interface RaisedBreak {
  readonly break_id: string;
  readonly kind: string;
  readonly provider: string;
  readonly currency: string;
  readonly ledger_amount: number | null;
  readonly provider_amount: number | null;
  readonly payment_id: string | null;
  readonly payout_id: string | null;
  readonly line_id: string | null;
  readonly detected_at: string;
}

/** One `reconciliation_break` alert per break, keyed by the break id (the same break never pages twice). */
export function reconciliationBreakAlerts(breaks: readonly RaisedBreak[], now: Date): AlertPayload[] {
  const side = (amount: number | null, currency: string) => (amount === null ? 'nothing' : formatAmount(amount, currency));
  return breaks.map((b) =>
    newAlert({
      key: alertKey('reconciliation_break', b.break_id),
      rule: 'reconciliation_break',
      kind: 'raised',
      severity: 'warning',
      provider: b.provider,
      title: `${b.provider} ${b.kind.replace(/_/g, ' ')}: the provider reports ${side(b.provider_amount, b.currency)}, the ledger ${side(b.ledger_amount, b.currency)}`,
      value: b.provider_amount ?? 0,
      threshold: b.ledger_amount ?? 0,
      windowStart: b.detected_at,
      windowEnd: b.detected_at,
      raisedAt: now.toISOString(),
      details: {
        breakId: b.break_id,
        kind: b.kind,
        currency: b.currency,
        paymentId: b.payment_id,
        payoutId: b.payout_id,
        lineId: b.line_id,
      },
    }),
  );
}
