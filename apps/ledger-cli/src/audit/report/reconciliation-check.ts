import type { Pool } from 'pg';
import { formatAmount } from '@ledger/monitoring';
import { reconciliationSummary } from '@ledger/reconciliation';
import type { Findings } from './findings';

/**
 * Settlement reconciliation (issue 32), per provider and currency: the reconciled share of the reported volume, the
 * provider's fees and effective fee rate (cost per provider), the open breaks and the oldest one's age. Open breaks
 * are a warning: money a provider reported that the books cannot place yet.
 */
export async function checkReconciliation(pool: Pool, provider: string | undefined, findings: Findings): Promise<void> {
  const rows = await reconciliationSummary(pool, { ...(provider ? { provider } : {}), now: new Date() });
  if (rows.length === 0) {
    findings.add('Money', 'settlement reconciliation', 'pass', 'no payout report imported');
    return;
  }
  for (const r of rows) {
    const detail =
      `${r.provider} ${r.currency}: reconciled share ${r.reconciledShare} of ${formatAmount(Number(r.reportedVolume), r.currency)}, ` +
      `fees ${formatAmount(Number(r.fees), r.currency)} (effective rate ${r.effectiveFeeRate}), ${r.openBreaks} open breaks` +
      (r.oldestOpenBreakAgeSeconds === null ? '' : `, the oldest ${r.oldestOpenBreakAgeSeconds} s old`);
    findings.add('Money', `settlement reconciliation ${r.provider} ${r.currency}`, r.openBreaks === 0 ? 'pass' : 'warning', detail);
  }
}
