import { formatPosition, type EventStore } from '@ledger/event-store';
import { formatAmount } from '@ledger/monitoring';
import { readEvents } from '../replay/read-events';
import type { Findings } from './findings';

/**
 * Payments whose recorded refunds exceed what the provider's own cumulative
 * report said (PaymentRefundMismatch): the ledger did not guess which refund
 * was recorded twice; the report lists them for a person to settle.
 */
export async function checkRefundMismatches(store: EventStore, findings: Findings): Promise<void> {
  const listed: string[] = [];
  let count = 0;
  const provider = new ProviderMismatches();
  for await (const page of readEvents(store, { pageSize: 2000 })) {
    for (const event of page) {
      provider.see(event.type, event.data);
      if (event.type !== 'PaymentRefundMismatch') continue;
      count += 1;
      const d = event.data as { paymentId: string; reportedTotal: number; recordedTotal: number; currency: string; detectedAt: string };
      if (listed.length < 100) {
        listed.push(
          `payment ${d.paymentId}: recorded ${formatAmount(d.recordedTotal, d.currency)}, provider reported ${formatAmount(d.reportedTotal, d.currency)} at ${d.detectedAt}, position ${formatPosition(event.position)}`,
        );
      }
    }
  }
  provider.report(findings);
  if (count === 0) findings.add('Money', 'refunds against provider totals', 'pass', 'no recorded refunds above a provider total');
  else
    findings.add(
      'Money',
      'refunds against provider totals',
      'warning',
      `${count} provider reports disagree with the recorded refunds`,
      listed,
    );
}

type Side = { amount?: number; currency?: string; references?: string[] };
const sideOf = (side: Side): string =>
  side.amount !== undefined && side.currency ? formatAmount(side.amount, side.currency) : (side.currency ?? '—');

/**
 * Provider facts that contradicted the books (PaymentProviderMismatch, CONTRACT.md › "Money as providers move it"):
 * listed with both sides; those still holding a payment in needs_review (no PaymentMismatchReviewed yet) first.
 */
class ProviderMismatches {
  private readonly open = new Map<string, string>();
  private total = 0;

  see(type: string, data: unknown): void {
    if (type === 'PaymentProviderMismatch') {
      const d = data as {
        paymentId: string;
        mismatchId: string;
        subject: string;
        kind: string;
        holds: boolean;
        ours: Side;
        provider: Side;
        detectedAt: string;
      };
      this.total += 1;
      const held = d.holds ? ' (needs_review)' : '';
      const line = `payment ${d.paymentId}${held}: ${d.subject} ${d.kind}: the provider reported ${sideOf(d.provider)} [${(d.provider.references ?? []).join(' ')}], the books ${sideOf(d.ours)}, at ${d.detectedAt}`;
      this.open.set(`${d.paymentId}|${d.mismatchId}`, line);
    } else if (type === 'PaymentMismatchReviewed') {
      const d = data as { paymentId: string; mismatchId: string };
      this.open.delete(`${d.paymentId}|${d.mismatchId}`);
    }
  }

  report(findings: Findings): void {
    if (this.total === 0) {
      findings.add('Money', 'provider facts against the books', 'pass', 'no provider fact contradicted the books');
      return;
    }
    const lines = [...this.open.values()].sort((a, b) => Number(b.includes('(needs_review)')) - Number(a.includes('(needs_review)')));
    findings.add(
      'Money',
      'provider facts against the books',
      'warning',
      `${this.total} provider facts contradicted the books (amount, currency, object); ${lines.filter((l) => l.includes('(needs_review)')).length} hold a payment in needs_review`,
      lines.slice(0, 100),
    );
  }
}
