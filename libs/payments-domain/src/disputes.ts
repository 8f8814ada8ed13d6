import type { CloseDispute, OpenDispute } from './commands';
import { definedOnly } from './defined';
import { DisputeAlreadyClosedError, DisputeExceedsCapturedError, DisputeNotFoundError, PaymentAlreadyDisputedError } from './errors';
import { disputeLosses, overCapture } from './mismatches';
import type { DisputeOutcome, PaymentEvent } from './events';
import { assertPositiveMinorAmount } from './money';
import { requireStatus, type PaymentState } from './payment';

export interface DisputeEntry {
  readonly amount: number;
  readonly open: boolean;
  readonly providerDisputeId?: string;
  readonly outcome?: DisputeOutcome;
}

/** Our dispute id for a dispute named by our id or by the provider's. */
function findDispute(state: PaymentState, id: string): string | undefined {
  if (state.disputes[id]) return id;
  return Object.keys(state.disputes).find((key) => state.disputes[key].providerDisputeId === id);
}

/** A dispute opens once (a provider's repeat of it decides nothing) and ends once, won, lost or closed as a warning. */
export function decideDispute(command: OpenDispute | CloseDispute, state: PaymentState): PaymentEvent[] {
  const { paymentId } = command.data;
  const currency = state.currency ?? '';
  const at = command.now.toISOString();

  if (command.type === 'OpenDispute') {
    const { disputeId, providerDisputeId, reason, reportedByProvider } = command.data;
    requireStatus(state, 'succeeded', command.type);
    if (findDispute(state, disputeId) || (providerDisputeId && findDispute(state, providerDisputeId))) return [];
    const open = Object.entries(state.disputes).filter(([, d]) => d.open);
    if (open.length > 0) {
      if (!reportedByProvider || !providerDisputeId) throw new PaymentAlreadyDisputedError(paymentId);
      // The provider's report of the one dispute opened through the API without the provider's id: that dispute.
      const unnamed = open.filter(([, d]) => d.providerDisputeId === undefined);
      if (open.length === 1 && unnamed.length === 1) {
        return [{ type: 'PaymentDisputeLinked', data: { paymentId, disputeId: unnamed[0][0], providerDisputeId, linkedAt: at } }];
      }
      // Anything else cannot be placed: a person decides, nothing is counted.
      return unplacedDispute(state, paymentId, providerDisputeId, command.data.amount, at);
    }
    const amount = command.data.amount ?? state.captured;
    if (command.data.amount !== undefined) assertPositiveMinorAmount(amount);
    if (amount > state.captured && !reportedByProvider) throw new DisputeExceedsCapturedError(amount, state.captured);
    const data = { paymentId, disputeId, providerDisputeId, reason, amount, currency, disputedAt: at };
    const disputed: PaymentEvent = { type: 'PaymentDisputed', data: definedOnly(data) };
    // A provider's dispute above the charge (Stripe documents such amounts) is booked as reported, and a person told.
    if (amount <= state.captured) return [disputed];
    return [disputed, ...overCapture(state, paymentId, `dispute:${providerDisputeId ?? disputeId}`, 'dispute', amount, [disputeId], at)];
  }

  const { outcome } = command.data;
  const disputeId = findDispute(state, command.data.disputeId);
  if (!disputeId) throw new DisputeNotFoundError(paymentId, command.data.disputeId);
  const dispute = state.disputes[disputeId];
  if (!dispute.open) {
    if (dispute.outcome === outcome) return [];
    throw new DisputeAlreadyClosedError(disputeId, dispute.outcome ?? 'closed');
  }
  const closed: PaymentEvent = {
    type: 'PaymentDisputeClosed',
    data: { paymentId, disputeId, outcome, amount: dispute.amount, currency, closedAt: at },
  };
  // A loss that takes refunds plus losses above the capture is booked (the provider took it) and a person told.
  if (outcome !== 'lost' || state.refunded + disputeLosses(state) + dispute.amount <= state.captured) return [closed];
  const reference = dispute.providerDisputeId ?? disputeId;
  return [closed, ...overCapture(state, paymentId, `dispute-loss:${reference}`, 'dispute', dispute.amount, [reference], at)];
}

function unplacedDispute(state: PaymentState, paymentId: string, providerDisputeId: string, amount: number | undefined, at: string) {
  const mismatchId = `dispute:${providerDisputeId}`;
  if (state.mismatches[mismatchId]) return [];
  const currency = state.currency ?? '';
  const data = {
    paymentId,
    mismatchId,
    subject: 'dispute' as const,
    kind: 'object' as const,
    holds: false,
    ours: { amount: state.captured, currency },
    provider: definedOnly({ amount, currency, references: [providerDisputeId] }),
    detectedAt: at,
  };
  return [{ type: 'PaymentProviderMismatch' as const, data }];
}
