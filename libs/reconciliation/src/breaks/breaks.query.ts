import type { Pool, PoolClient } from 'pg';
import type { BreakKind } from './break-kinds';

/** A break as CONTRACT.md › Reconciliation shapes it (amounts as decimal strings of minor units). */
export interface ReconciliationBreak {
  readonly breakId: string;
  readonly kind: BreakKind;
  readonly provider: string;
  readonly currency: string;
  readonly ledgerAmount?: string;
  readonly providerAmount?: string;
  /** What waits in `suspense:<p>` until the break closes. */
  readonly suspenseAmount: string;
  readonly paymentId?: string;
  readonly payoutId?: string;
  readonly lineId?: string;
  readonly detectedAt: string;
  readonly ageSeconds: number;
  readonly status: 'open' | 'resolved';
  /** How it closed: `resolution` (a person), `late_fact`, `late_line` or `correction`. */
  readonly closedBy?: string;
  readonly account?: string;
  readonly note?: string;
  readonly actor?: string;
  readonly closedAt?: string;
}

interface Row {
  break_id: string;
  kind: BreakKind;
  provider: string;
  currency: string;
  ledger_amount: string | null;
  provider_amount: string | null;
  suspense_amount: string;
  payment_id: string | null;
  payout_id: string | null;
  line_id: string | null;
  detected_at: Date;
  status: 'open' | 'resolved';
  closed_by: string | null;
  account: string | null;
  note: string | null;
  actor: string | null;
  closed_at: Date | null;
}

export interface BreakFilter {
  readonly status?: 'open' | 'resolved';
  readonly kind?: BreakKind;
  readonly breakId?: string;
  readonly limit?: number;
  readonly now: Date;
}

/** Oldest first: the one to look at first. */
export async function listBreaks(db: Pool | PoolClient, filter: BreakFilter): Promise<ReconciliationBreak[]> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM read_models.reconciliation_breaks
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR break_id = $3)
      ORDER BY detected_at, break_id LIMIT $4`,
    [filter.status ?? null, filter.kind ?? null, filter.breakId ?? null, filter.limit ?? 1000],
  );
  return rows.map((r) => ({
    breakId: r.break_id,
    kind: r.kind,
    provider: r.provider,
    currency: r.currency,
    ...(r.ledger_amount !== null ? { ledgerAmount: r.ledger_amount } : {}),
    ...(r.provider_amount !== null ? { providerAmount: r.provider_amount } : {}),
    suspenseAmount: r.suspense_amount,
    ...(r.payment_id ? { paymentId: r.payment_id } : {}),
    ...(r.payout_id ? { payoutId: r.payout_id } : {}),
    ...(r.line_id ? { lineId: r.line_id } : {}),
    detectedAt: r.detected_at.toISOString(),
    ageSeconds: Math.max(0, Math.floor((filter.now.getTime() - r.detected_at.getTime()) / 1000)),
    status: r.status,
    ...(r.closed_by ? { closedBy: r.closed_by } : {}),
    ...(r.account ? { account: r.account } : {}),
    ...(r.note ? { note: r.note } : {}),
    ...(r.actor ? { actor: r.actor } : {}),
    ...(r.closed_at ? { closedAt: r.closed_at.toISOString() } : {}),
  }));
}
