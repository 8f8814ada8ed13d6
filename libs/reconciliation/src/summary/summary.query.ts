import type { Pool, PoolClient } from 'pg';

export interface ReconciliationSummary {
  readonly provider: string;
  readonly currency: string;
  /** Σ |gross| of every reported line but the payouts' own, duplicates included (decimal string of minor units). */
  readonly reportedVolume: string;
  /** Σ |gross| of the lines explained: matched to a ledger fact, or a provider fee line. */
  readonly matchedVolume: string;
  /** matchedVolume / reportedVolume, exact to 10 decimals (truncated; "1" when nothing was reported). */
  readonly reconciledShare: string;
  /** Σ fee of every line plus the fee lines' own amounts: what the provider cost (a fee returned counts negative). */
  readonly fees: string;
  /** fees / Σ gross of charge and payment lines, to 10 decimals (truncated; "0" without charges). */
  readonly effectiveFeeRate: string;
  readonly openBreaks: number;
  readonly oldestOpenBreakAgeSeconds: number | null;
}

interface Row {
  provider: string;
  currency: string;
  reported: string;
  matched: string;
  fees: string;
  charged: string;
  open_breaks: string;
  oldest: Date | null;
}

/** Per provider and currency (CONTRACT.md › Reconciliation › GET /v1/reconciliation/summary). */
export async function reconciliationSummary(
  db: Pool | PoolClient,
  filter: { provider?: string; currency?: string; now: Date },
): Promise<ReconciliationSummary[]> {
  const { rows } = await db.query<Row>(
    `WITH l AS (
       SELECT provider, currency,
              sum(abs(gross)) FILTER (WHERE category NOT IN ('payout', 'payout_reversal', 'payout_failure')) AS reported,
              sum(abs(gross)) FILTER (WHERE status IN ('matched', 'fee')) AS matched,
              sum(fee) + coalesce(sum(-gross) FILTER (WHERE status = 'fee'), 0) AS fees,
              sum(gross) FILTER (WHERE category IN ('charge', 'payment')) AS charged
         FROM read_models.reconciliation_lines GROUP BY provider, currency),
     d AS (SELECT provider, currency, sum(abs(provider_amount)) AS reported FROM read_models.reconciliation_breaks
            WHERE kind = 'duplicate_line' GROUP BY provider, currency),
     b AS (SELECT provider, currency, count(*) AS open_breaks, min(detected_at) AS oldest FROM read_models.reconciliation_breaks
            WHERE status = 'open' GROUP BY provider, currency),
     k AS (SELECT provider, currency FROM l UNION SELECT provider, currency FROM b)
     SELECT k.provider, k.currency, (coalesce(l.reported, 0) + coalesce(d.reported, 0))::text AS reported,
            coalesce(l.matched, 0)::text AS matched, coalesce(l.fees, 0)::text AS fees, coalesce(l.charged, 0)::text AS charged,
            coalesce(b.open_breaks, 0)::text AS open_breaks, b.oldest
       FROM k LEFT JOIN l USING (provider, currency) LEFT JOIN d USING (provider, currency) LEFT JOIN b USING (provider, currency)
      WHERE ($1::text IS NULL OR k.provider = $1) AND ($2::text IS NULL OR k.currency = $2)
      ORDER BY k.provider, k.currency`,
    [filter.provider ?? null, filter.currency ?? null],
  );
  return rows.map((r) => ({
    provider: r.provider,
    currency: r.currency,
    reportedVolume: r.reported,
    matchedVolume: r.matched,
    reconciledShare: r.reported === '0' ? '1' : ratio(BigInt(r.matched), BigInt(r.reported)),
    fees: r.fees,
    effectiveFeeRate: BigInt(r.charged) <= 0n ? '0' : ratio(BigInt(r.fees), BigInt(r.charged)),
    openBreaks: Number(r.open_breaks),
    oldestOpenBreakAgeSeconds: r.oldest ? Math.max(0, Math.floor((filter.now.getTime() - r.oldest.getTime()) / 1000)) : null,
  }));
}

const PLACES = 10;

/** a / b as a decimal string, exact to PLACES decimals (truncated toward zero), by integer arithmetic. */
export function ratio(a: bigint, b: bigint): string {
  const negative = a < 0n !== b < 0n && a !== 0n;
  const [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  const scaled = (x * 10n ** BigInt(PLACES)) / y;
  const whole = scaled / 10n ** BigInt(PLACES);
  const fraction = (scaled % 10n ** BigInt(PLACES)).toString().padStart(PLACES, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}
