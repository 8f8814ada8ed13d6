import type { ReportRefundTotal, RefundPayment, ReverseRefund } from './commands';
import { definedOnly } from './defined';
import { ChargeDisputedError, ProviderRefundIdRequiredError, RefundExceedsCapturedError } from './errors';
import type { PaymentEvent } from './events';
import { disputeLosses, overCapture } from './mismatches';
import { assertMinorAmount, assertPositiveMinorAmount } from './money';
import type { PaymentState } from './payment';
import { isConfirmedRefund, mismatchAsOf, refundedTotal, withRefund, withReport, withReversal } from './refund-ledger';

export type RefundCommand = RefundPayment | ReportRefundTotal | ReverseRefund;

/** A refund from any channel, counted once (rules in refund-ledger.ts). A refund already known decides nothing. */
export function decideRefund(command: RefundCommand, state: PaymentState): PaymentEvent[] {
  const { paymentId } = command.data;
  const currency = state.currency ?? '';
  const at = command.now.toISOString();
  const atMs = command.now.getTime();
  const before = state.refunded;
  const ledger = state.refunds;

  switch (command.type) {
    case 'RefundPayment': {
      const { refundId, providerRefundId, amount, reason, reportedByProvider } = command.data;
      assertPositiveMinorAmount(amount);
      const key = providerRefundId ?? refundId;
      if (ledger.entries[key]) return [];
      // As Stripe refuses it: while a dispute is open, or after one is lost, the money is the dispute's.
      const blocking = Object.entries(state.disputes).find(([, d]) => d.open || d.outcome === 'lost');
      if (blocking && !reportedByProvider) throw new ChargeDisputedError(paymentId, blocking[0], blocking[1].open ? 'open' : 'lost');
      // Unnamed, it could be one the provider already reported: refused rather than counted twice.
      const named = Object.keys(ledger.entries).filter((k) => ledger.entries[k].confirmed && !ledger.entries[k].reversed);
      if (!reportedByProvider && !isConfirmedRefund(refundId, providerRefundId) && named.length > 0) {
        throw new ProviderRefundIdRequiredError(paymentId, named);
      }
      const total = refundedTotal(withRefund(ledger, key, amount, atMs, isConfirmedRefund(refundId, providerRefundId)));
      // Subtracting first keeps the comparison exact near Number.MAX_SAFE_INTEGER.
      if (total - before > state.captured - before) throw new RefundExceedsCapturedError(amount, state.captured - before);
      const counted = total - before;
      const data = { paymentId, refundId, providerRefundId, amount, counted: counted === amount ? undefined : counted, currency, reason };
      const refunded: PaymentEvent = { type: 'PaymentRefunded', data: definedOnly({ ...data, totalRefunded: total, refundedAt: at }) };
      // The provider refunded during a dispute: booked as it reports, and a person told when refunds and losses pass the capture.
      if (total + disputeLosses(state) <= state.captured) return [refunded];
      return [refunded, ...overCapture(state, paymentId, `refund:${key}`, 'refund', amount, [key], at)];
    }
    case 'ReportRefundTotal': {
      const { reportedTotal } = command.data;
      assertMinorAmount(reportedTotal);
      const events: PaymentEvent[] = [];
      const total = refundedTotal(withReport(ledger, reportedTotal));
      const recorded = mismatchAsOf(ledger, atMs, reportedTotal);
      if (recorded !== undefined || total > state.captured) {
        events.push({
          type: 'PaymentRefundMismatch',
          data: { paymentId, reportedTotal, recordedTotal: recorded ?? before, currency, detectedAt: at },
        });
      } else if (total > before) {
        const data = { paymentId, reportedTotal, counted: total - before, currency, totalRefunded: total, reportedAt: at };
        events.push({ type: 'PaymentRefundReported', data });
      }
      return events;
    }
    case 'ReverseRefund': {
      const { refundId, providerRefundId, amount } = command.data;
      assertPositiveMinorAmount(amount);
      const key = providerRefundId ?? refundId;
      const entry = ledger.entries[key];
      if (entry?.reversed) return [];
      const total = refundedTotal(withReversal(ledger, key, amount, atMs));
      const data = { paymentId, refundId, providerRefundId, amount: entry?.amount ?? amount, counted: before - total, currency };
      return [{ type: 'PaymentRefundReversed', data: definedOnly({ ...data, totalRefunded: total, reversedAt: at }) }];
    }
  }
}
