import type { CloseDispute, OpenDispute } from './commands';
import { definedOnly } from './defined';
import { DisputeAlreadyClosedError, DisputeExceedsCapturedError, DisputeNotFoundError, PaymentAlreadyDisputedError } from './errors';
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
    const { disputeId, providerDisputeId, reason } = command.data;
    requireStatus(state, 'succeeded', command.type);
    if (findDispute(state, disputeId) || (providerDisputeId && findDispute(state, providerDisputeId))) return [];
    if (Object.values(state.disputes).some((d) => d.open)) throw new PaymentAlreadyDisputedError(paymentId);
    const amount = command.data.amount ?? state.captured;
    if (command.data.amount !== undefined) assertPositiveMinorAmount(amount);
    if (amount > state.captured) throw new DisputeExceedsCapturedError(amount, state.captured);
    const data = { paymentId, disputeId, providerDisputeId, reason, amount, currency, disputedAt: at };
    return [{ type: 'PaymentDisputed', data: definedOnly(data) }];
  }

  const { outcome } = command.data;
  const disputeId = findDispute(state, command.data.disputeId);
  if (!disputeId) throw new DisputeNotFoundError(paymentId, command.data.disputeId);
  const dispute = state.disputes[disputeId];
  if (!dispute.open) {
    if (dispute.outcome === outcome) return [];
    throw new DisputeAlreadyClosedError(disputeId, dispute.outcome ?? 'closed');
  }
  return [{ type: 'PaymentDisputeClosed', data: { paymentId, disputeId, outcome, amount: dispute.amount, currency, closedAt: at } }];
}
