import {
  PaymentNotFoundError,
  type PaymentCommand,
  type PaymentLifecycle,
  type PaymentState,
  type Provider,
} from '@ledger/payments-domain';
import type { PaymentFacts, ProviderRefund, WebhookAction, WebhookIntent } from '../mapping/intent';
import { providerClock, type ProviderClock } from './provider-clock';

export interface PaymentSnapshot {
  readonly state: PaymentState;
}

/** A provider's delivery about one of our payments: which payment, whose provider, when the ledger received it. */
export interface PaymentDelivery {
  readonly paymentId: string;
  readonly provider: Provider;
  /** When the ledger received the delivery. */
  readonly now: Date;
}

type PaymentIntent = Extract<WebhookIntent, { kind: 'payment' }>;

const LADDER: readonly PaymentLifecycle[] = ['none', 'pending', 'processing', 'succeeded'];

/**
 * The commands that bring our payment to what the provider reports. Providers
 * deliver out of order, so a payment is created on first sight and walked
 * through the states it skipped (a success before its create becomes
 * create → processing → success). What the state machine forbids (a success
 * after a failure) is still planned, so decide refuses it with its own code.
 * Each command carries the provider's time of what it records (see provider-clock.ts).
 */
export function planCommands(intent: PaymentIntent, snapshot: PaymentSnapshot, delivery: PaymentDelivery): PaymentCommand[] {
  const { state } = snapshot;
  const { paymentId } = delivery;
  const clock = providerClock(intent, delivery.now);
  const at = clock.event;
  const action: WebhookAction = intent.action;
  // An object already kept as a mismatch (a forged or foreign payment object) is not this payment: what it says later
  // (its refunds, disputes, failures) is not ours to count, and never walks our payment to a success.
  if (intent.references.some((reference) => state.mismatches[`payment:${reference}`])) return [];
  const contradiction = payingMismatch(intent, state, paymentId, at);
  const reach = (target: PaymentLifecycle) => walkTo(target, state, intent.facts, delivery, clock);
  // The states a refund, dispute or fraud warning implies happened before it, when the provider made its object.
  const after = (target: PaymentLifecycle, commands: PaymentCommand[]) =>
    commands.length > 0 ? [...walkTo(target, state, intent.facts, delivery, clock, true), ...commands] : [];

  switch (action.type) {
    case 'create':
      return reach('pending');
    case 'processing':
      return reach('processing');
    case 'succeed':
      if (contradiction) return [...reach('processing'), contradiction];
      // A failed attempt does not end the payment (decide refuses after the API's own final failure).
      if (state.status === 'failed') return [succeeded(paymentId, intent.facts, at)];
      return reach('succeeded');
    case 'fail': {
      if (state.status === 'succeeded' || (state.status === 'failed' && state.finalFailure)) return [];
      const data = defined({
        paymentId,
        attemptId: action.attemptId,
        providerPaymentId: intent.facts?.providerPaymentId,
        errorCode: action.errorCode,
        errorMessage: action.errorMessage,
        risk: intent.facts?.risk,
      });
      return after('processing', [{ type: 'RecordAttemptFailure', data, now: at }]);
    }
    case 'refunds': {
      // The charge itself contradicts the books: nothing it says about refunds is counted.
      if (contradiction) return [...reach('processing'), contradiction];
      const currency = state.currency ?? intent.facts?.currency;
      const unplaced = unplacedRefunds(action.refunds, action.reportedTotal, state);
      const commands = action.refunds.flatMap((refund) =>
        refund.currency !== undefined && currency !== undefined && refund.currency !== currency
          ? [mismatchOf(intent, paymentId, at, 'refund', refund.refundId, { amount: refund.amount, currency: refund.currency })]
          : unplaced.has(refund.refundId)
            ? [mismatchOf(intent, paymentId, at, 'refund', refund.refundId, { amount: refund.amount, currency: currency ?? '' }, 'object')]
            : refundCommand(paymentId, refund, state, clock),
      );
      if (action.reportedTotal !== undefined) {
        commands.push({ type: 'ReportRefundTotal', data: { paymentId, reportedTotal: action.reportedTotal }, now: at });
      }
      return after('succeeded', commands);
    }
    case 'dispute': {
      if (contradiction) return [...reach('processing'), contradiction];
      const { disputeId, reason, amount, outcome } = action;
      const currency = state.currency ?? intent.facts?.currency;
      if (action.currency !== undefined && currency !== undefined && action.currency !== currency) {
        return after('succeeded', [mismatchOf(intent, paymentId, at, 'dispute', disputeId, { amount, currency: action.currency })]);
      }
      const known = Object.entries(state.disputes).find(([id, d]) => id === disputeId || d.providerDisputeId === disputeId)?.[1];
      const commands: PaymentCommand[] = [];
      if (!known) {
        commands.push({
          type: 'OpenDispute',
          data: defined({ paymentId, disputeId, providerDisputeId: disputeId, reason, amount, reportedByProvider: true }),
          now: at,
        });
      }
      if (outcome && (!known || known.open)) commands.push({ type: 'CloseDispute', data: { paymentId, disputeId, outcome }, now: at });
      return after('succeeded', commands);
    }
    case 'flagFraud':
      return after('pending', [{ type: 'FlagFraud', data: { paymentId, reason: action.reason }, now: at }]);
  }
}

/**
 * Refunds a provider names that the ledger cannot place: recorded through the API without the provider's id, a refund
 * may be one the provider now names. When counting the named ones would take the refunds past the provider's own
 * cumulative total of the same report, while such unnamed API refunds stand, the new names cannot be told apart from
 * them: they are mismatches for a person, never counted a second time (refunds are never matched on amount).
 */
function unplacedRefunds(refunds: readonly ProviderRefund[], reportedTotal: number | undefined, state: PaymentState): Set<string> {
  const unplaced = new Set<string>();
  const alive = Object.values(state.refunds.entries).filter((e) => !e.reversed);
  if (reportedTotal === undefined || !alive.some((e) => !e.confirmed)) return unplaced;
  let named = alive.reduce((sum, e) => sum + e.amount, 0);
  for (const refund of refunds) {
    if (refund.failed || state.refunds.entries[refund.refundId]) continue;
    if (named + refund.amount > reportedTotal) unplaced.add(refund.refundId);
    else named += refund.amount;
  }
  return unplaced;
}

/** A refund the ledger already knows (counted, known to have failed, or kept as a mismatch) plans nothing: never counted twice. */
function refundCommand(paymentId: string, refund: ProviderRefund, state: PaymentState, clock: ProviderClock): PaymentCommand[] {
  const { refundId, amount, reason } = refund;
  if (state.mismatches[`refund:${refundId}`]) return [];
  const known = state.refunds.entries[refundId];
  if (refund.failed) {
    if (known?.reversed) return [];
    return [{ type: 'ReverseRefund', data: { paymentId, refundId, providerRefundId: refundId, amount }, now: clock.event }];
  }
  if (known) return [];
  const data = defined({ paymentId, refundId, providerRefundId: refundId, amount, reason, reportedByProvider: true });
  return [{ type: 'RefundPayment', data, now: clock.at(refund.at) }];
}

/** Steps from the current status up to target; none when already there, past it, or failed. */
function walkTo(
  target: PaymentLifecycle,
  state: PaymentState,
  facts: PaymentFacts | undefined,
  delivery: PaymentDelivery,
  clock: ProviderClock,
  implied = false,
): PaymentCommand[] {
  const from = LADDER.indexOf(state.status);
  const to = LADDER.indexOf(target);
  if (from < 0 || from >= to) return [];
  const { paymentId, provider } = delivery;
  // First sight: the payment was created (and started) when the provider created its object.
  const created = clock.at(facts?.createdAt);
  const commands: PaymentCommand[] = [];
  for (let step = from + 1; step <= to; step++) {
    const status = LADDER[step];
    if (status === 'pending') {
      if (!facts) throw new PaymentNotFoundError(paymentId);
      const { amount, currency, customerId, description, card, risk } = facts;
      commands.push({
        type: 'CreatePayment',
        data: defined({ paymentId, provider, amount, currency, customerId, description, card, risk }),
        now: created,
      });
    } else if (status === 'processing') {
      commands.push({ type: 'StartProcessing', data: { paymentId }, now: target === 'processing' ? clock.event : created });
    } else {
      // A success reported as such happened at the event; one only implied (first seen in a refund, a dispute)
      // happened when the provider's object was made, never on the refund's or dispute's day.
      commands.push(succeeded(paymentId, facts, target === 'succeeded' && !implied ? clock.event : created));
    }
  }
  return commands;
}

/** The provider's success books what it captured, in its currency (decide checks it is the payment's); the authorised amount beside. */
function succeeded(paymentId: string, facts: PaymentFacts | undefined, now: Date): PaymentCommand {
  const data = defined({
    paymentId,
    providerPaymentId: facts?.providerPaymentId,
    providerChargeId: facts?.chargeId,
    amount: facts ? (facts.captured ?? facts.amount) : undefined,
    currency: facts?.currency,
    authorizedAmount: facts?.amount,
  });
  return { type: 'MarkPaymentSucceeded', data, now };
}

/**
 * A provider object about an existing payment whose currency or authorised amount is not the payment's (or that
 * captured more than it): never booked at our amount, never counted in another currency. It holds the payment in
 * needs_review; the same object reported again is the same mismatch.
 */
function payingMismatch(intent: PaymentIntent, state: PaymentState, paymentId: string, at: Date): PaymentCommand | undefined {
  const { facts } = intent;
  if (!facts || state.status === 'none') return undefined;
  const kind =
    facts.currency !== state.currency
      ? 'currency'
      : facts.amount !== state.amount || (facts.captured ?? 0) > state.amount
        ? 'amount'
        : undefined;
  if (!kind) return undefined;
  const amount = facts.captured ?? facts.amount;
  return mismatchOf(intent, paymentId, at, 'payment', intent.references[0], { amount, currency: facts.currency }, kind, true);
}

function mismatchOf(
  intent: PaymentIntent,
  paymentId: string,
  at: Date,
  subject: 'payment' | 'refund' | 'dispute',
  reference: string,
  side: { amount?: number; currency: string },
  kind: 'amount' | 'currency' | 'object' = 'currency',
  holds = false,
): PaymentCommand {
  const references = [...new Set([reference, ...intent.references])];
  return {
    type: 'ReportProviderMismatch',
    data: defined({
      paymentId,
      mismatchId: `${subject}:${reference}`,
      subject,
      kind,
      holds,
      provider: defined({ ...side, references }),
      eventType: intent.eventType,
    }),
    now: at,
  };
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
