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
  for await (const page of readEvents(store, { pageSize: 2000 })) {
    for (const event of page) {
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
