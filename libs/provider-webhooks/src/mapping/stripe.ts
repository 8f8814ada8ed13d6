import type { CardReference, DisputeOutcome } from '@ledger/payments-domain';
import { WebhookPayloadError } from '../errors';
import {
  amountAt,
  compact,
  currencyCode,
  idOf,
  isObject,
  objectAt,
  optionalString,
  paymentIdFromMetadata,
  providerTime,
  requiredString,
  type Json,
} from './fields';
import { customerFacts, errorCodeOf } from './customer';
import type { PaymentFacts, ProviderRefund, WebhookAction, WebhookIntent } from './intent';

export const STRIPE_EVENT_TYPES = [
  'payment_intent.created',
  'payment_intent.processing',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'charge.succeeded',
  'charge.failed',
  'charge.refunded',
  'refund.created',
  'refund.updated',
  'charge.refund.updated',
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
  'radar.early_fraud_warning.created',
] as const;

const FAILED_REFUND = new Set(['failed', 'canceled']);
/** Stripe's closed dispute statuses (the others, warning_needs_response, warning_under_review, needs_response, under_review, are open). */
const CLOSED_DISPUTE: Readonly<Record<string, DisputeOutcome>> = {
  won: 'won',
  lost: 'lost',
  warning_closed: 'warning_closed',
  prevented: 'prevented',
};

const HANDLED: ReadonlySet<string> = new Set(STRIPE_EVENT_TYPES);

/** A Stripe event (already masked) to what it means for one of our payments. */
export function mapStripeEvent(event: Json): WebhookIntent {
  const eventType = requiredString(event, 'type', 'event');
  if (!HANDLED.has(eventType)) return { kind: 'ignored', eventType };
  const object = objectAt(objectAt(event, 'data', 'event'), 'object', 'event.data');
  const path = 'data.object';
  const [kind] = eventType.split('.');
  const base = compact({
    kind: 'payment' as const,
    eventType,
    paymentIdHint: paymentIdFromMetadata(object.metadata),
    occurredAt: providerTime(event.created),
  });

  if (kind === 'payment_intent') {
    const id = requiredString(object, 'id', path);
    return { ...base, references: [id], facts: paymentIntentFacts(object, id), action: paymentIntentAction(eventType, object) };
  }
  if (eventType.startsWith('charge.') && !eventType.startsWith('charge.dispute.') && eventType !== 'charge.refund.updated') {
    const chargeId = requiredString(object, 'id', path);
    const intentId = idOf(object.payment_intent);
    return {
      ...base,
      references: intentId ? [intentId, chargeId] : [chargeId],
      facts: chargeFacts(object, intentId ?? chargeId),
      action: chargeAction(eventType, object),
    };
  }
  // Refunds, disputes and fraud warnings point at a charge and carry no payment amount of their own.
  const references = [idOf(object.payment_intent), idOf(object.charge)].filter((r): r is string => r !== undefined);
  if (references.length === 0) throw new WebhookPayloadError(`${path}.charge`, 'must name the charge');
  const linked = { ...base, references };
  if (kind === 'refund' || eventType === 'charge.refund.updated') {
    return { ...linked, action: { type: 'refunds', refunds: [refundOf(object, path)] } };
  }
  if (eventType.startsWith('charge.dispute.')) {
    const outcome = eventType === 'charge.dispute.funds_reinstated' ? 'won' : CLOSED_DISPUTE[optionalString(object.status) ?? ''];
    const action = compact({
      type: 'dispute' as const,
      disputeId: requiredString(object, 'id', path),
      reason: optionalString(object.reason) ?? 'dispute',
      currency: optionalCurrency(object.currency, `${path}.currency`),
      amount: amountAt('stripe', object, 'amount', path),
      // Only `closed` (and funds reinstated, which follows a win) ends a dispute; other updates keep it open.
      outcome: eventType === 'charge.dispute.closed' || eventType === 'charge.dispute.funds_reinstated' ? outcome : undefined,
    });
    return { ...linked, action };
  }
  const fraudType = optionalString(object.fraud_type) ?? 'unspecified';
  return { ...linked, action: { type: 'flagFraud', reason: `early_fraud_warning:${fraudType}` } };
}

function paymentIntentAction(eventType: string, intent: Json): WebhookAction {
  switch (eventType) {
    case 'payment_intent.created':
      return { type: 'create' };
    case 'payment_intent.processing':
      return { type: 'processing' };
    case 'payment_intent.succeeded':
      return { type: 'succeed' };
    default: {
      const error = isObject(intent.last_payment_error) ? intent.last_payment_error : {};
      const errorCode =
        errorCodeOf(optionalString(error.decline_code, 128)) ?? errorCodeOf(optionalString(error.code, 128)) ?? 'payment_failed';
      // The attempt is the charge that failed: charge.failed about it is the same attempt, reported again.
      const attemptId = idOf(error.charge) ?? idOf(intent.latest_charge);
      return compact({ type: 'fail', errorCode, errorMessage: optionalString(error.message, 1000), attemptId });
    }
  }
}

function chargeAction(eventType: string, charge: Json): WebhookAction {
  if (eventType === 'charge.succeeded') return { type: 'succeed' };
  if (eventType === 'charge.failed') {
    const outcome = isObject(charge.outcome) ? charge.outcome : {};
    const errorCode =
      errorCodeOf(optionalString(charge.failure_code, 128)) ?? errorCodeOf(optionalString(outcome.reason, 128)) ?? 'charge_failed';
    const attemptId = optionalString(charge.id, 255);
    return compact({ type: 'fail', errorCode, errorMessage: optionalString(charge.failure_message, 1000), attemptId });
  }
  const reportedTotal = amountAt('stripe', charge, 'amount_refunded', 'data.object');
  // Newer API versions leave `refunds` out unless expanded: then only the cumulative total is known.
  const listed = isObject(charge.refunds) && Array.isArray(charge.refunds.data) ? charge.refunds.data : [];
  const refunds = listed.filter(isObject).map((refund, i) => refundOf(refund, `data.object.refunds.data[${i}]`));
  return { type: 'refunds', refunds, reportedTotal };
}

function refundOf(refund: Json, path: string): ProviderRefund {
  return compact({
    refundId: requiredString(refund, 'id', path),
    amount: amountAt('stripe', refund, 'amount', path),
    failed: FAILED_REFUND.has(optionalString(refund.status) ?? ''),
    reason: optionalString(refund.reason),
    at: providerTime(refund.created),
    currency: optionalCurrency(refund.currency, `${path}.currency`),
  });
}

/** A currency where the object names one (a refund's, a dispute's): compared with the payment's, never assumed. */
function optionalCurrency(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : currencyCode(value, path);
}

function paymentIntentFacts(intent: Json, id: string): PaymentFacts {
  return compact({
    amount: amountAt('stripe', intent, 'amount', 'data.object'),
    // What was captured, once it has been (partial captures book less than was authorised).
    captured:
      intent.status === 'succeeded' && intent.amount_received != null
        ? amountAt('stripe', intent, 'amount_received', 'data.object')
        : undefined,
    currency: currencyCode(intent.currency, 'data.object.currency'),
    providerPaymentId: id,
    chargeId: idOf(intent.latest_charge),
    ...customerFacts(idOf(intent.customer)),
    description: optionalString(intent.description, 1000),
    createdAt: providerTime(intent.created),
  });
}

function chargeFacts(charge: Json, providerPaymentId: string): PaymentFacts {
  return compact({
    amount: amountAt('stripe', charge, 'amount', 'data.object'),
    captured:
      charge.captured === true && charge.amount_captured != null ? amountAt('stripe', charge, 'amount_captured', 'data.object') : undefined,
    currency: currencyCode(charge.currency, 'data.object.currency'),
    providerPaymentId,
    chargeId: optionalString(charge.id, 255),
    ...customerFacts(idOf(charge.customer)),
    description: optionalString(charge.description, 1000),
    card: chargeCard(charge),
    riskSignals: chargeSignals(charge),
    createdAt: providerTime(charge.created),
  });
}

/** The card's fingerprint and country, the billing e-mail (issue 30): the door validates and tokenises them. */
function chargeSignals(charge: Json): PaymentFacts['riskSignals'] {
  const details = isObject(charge.payment_method_details) ? charge.payment_method_details : {};
  const card = isObject(details.card) ? details.card : {};
  const billing = isObject(charge.billing_details) ? charge.billing_details : {};
  const signals = compact({ cardFingerprint: card.fingerprint, cardCountry: card.country, email: billing.email });
  return Object.values(signals).some((v) => v !== undefined && v !== null) ? signals : undefined;
}

/** Only the token, brand and last four; everything else about the card stays at Stripe. */
function chargeCard(charge: Json): CardReference | undefined {
  const token = idOf(charge.payment_method);
  const details = isObject(charge.payment_method_details) ? charge.payment_method_details : {};
  const card = isObject(details.card) ? details.card : undefined;
  if (!token || !card) return undefined;
  const last4 = typeof card.last4 === 'string' && /^\d{4}$/.test(card.last4) ? card.last4 : undefined;
  return compact({ token, brand: optionalString(card.brand, 32), last4 });
}
