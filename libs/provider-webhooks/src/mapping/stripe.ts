import type { CardReference } from '@ledger/payments-domain';
import { WebhookPayloadError } from '../errors';
import {
  compact, currencyCode, idOf, isObject, minorAmount, objectAt, optionalString, paymentIdFromMetadata, requiredString,
  type Json,
} from './fields';
import type { PaymentFacts, WebhookAction, WebhookIntent } from './intent';

export const STRIPE_EVENT_TYPES = [
  'payment_intent.created',
  'payment_intent.processing',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'charge.succeeded',
  'charge.failed',
  'charge.refunded',
  'refund.created',
  'charge.dispute.created',
  'radar.early_fraud_warning.created',
] as const;

const HANDLED: ReadonlySet<string> = new Set(STRIPE_EVENT_TYPES);

/** A Stripe event (already masked) to what it means for one of our payments. */
export function mapStripeEvent(event: Json): WebhookIntent {
  const eventType = requiredString(event, 'type', 'event');
  if (!HANDLED.has(eventType)) return { kind: 'ignored', eventType };
  const object = objectAt(objectAt(event, 'data', 'event'), 'object', 'event.data');
  const path = 'data.object';
  const [kind] = eventType.split('.');
  const base = { kind: 'payment' as const, eventType, paymentIdHint: paymentIdFromMetadata(object.metadata) };

  if (kind === 'payment_intent') {
    const id = requiredString(object, 'id', path);
    return { ...base, references: [id], facts: paymentIntentFacts(object, id), action: paymentIntentAction(eventType, object) };
  }
  if (eventType.startsWith('charge.') && eventType !== 'charge.dispute.created') {
    const chargeId = requiredString(object, 'id', path);
    const intentId = idOf(object.payment_intent);
    return {
      ...base,
      references: intentId ? [intentId, chargeId] : [chargeId],
      facts: chargeFacts(object, intentId ?? chargeId),
      action: chargeAction(eventType, object, chargeId),
    };
  }
  // Refunds, disputes and fraud warnings point at a charge and carry no payment amount of their own.
  const references = [idOf(object.payment_intent), idOf(object.charge)].filter((r): r is string => r !== undefined);
  if (references.length === 0) throw new WebhookPayloadError(`${path}.charge`, 'must name the charge');
  const linked = { ...base, references };
  if (eventType === 'refund.created') {
    const action: WebhookAction = {
      type: 'refund',
      refundId: requiredString(object, 'id', path),
      amount: minorAmount(object.amount, `${path}.amount`),
      reason: optionalString(object.reason),
    };
    return { ...linked, action: compact(action) };
  }
  if (eventType === 'charge.dispute.created') {
    const amount = minorAmount(object.amount, `${path}.amount`);
    return { ...linked, action: { type: 'dispute', reason: optionalString(object.reason) ?? 'dispute', amount } };
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
      const errorCode = optionalString(error.decline_code, 128) ?? optionalString(error.code, 128) ?? 'payment_failed';
      return compact({ type: 'fail', errorCode, errorMessage: optionalString(error.message, 1000) });
    }
  }
}

function chargeAction(eventType: string, charge: Json, chargeId: string): WebhookAction {
  if (eventType === 'charge.succeeded') return { type: 'succeed' };
  if (eventType === 'charge.failed') {
    const outcome = isObject(charge.outcome) ? charge.outcome : {};
    const errorCode = optionalString(charge.failure_code, 128) ?? optionalString(outcome.reason, 128) ?? 'charge_failed';
    return compact({ type: 'fail', errorCode, errorMessage: optionalString(charge.failure_message, 1000) });
  }
  const totalRefunded = minorAmount(charge.amount_refunded, 'data.object.amount_refunded');
  // Newer API versions leave `refunds` out unless expanded; then the total itself names the refund.
  const refunds = isObject(charge.refunds) && Array.isArray(charge.refunds.data) ? charge.refunds.data : [];
  const refundId = idOf(refunds[0]) ?? `${chargeId}@${totalRefunded}`;
  return { type: 'refundTotal', refundId, totalRefunded };
}

function paymentIntentFacts(intent: Json, id: string): PaymentFacts {
  return compact({
    amount: minorAmount(intent.amount, 'data.object.amount'),
    currency: currencyCode(intent.currency, 'data.object.currency'),
    providerPaymentId: id,
    customerId: idOf(intent.customer),
    description: optionalString(intent.description, 1000),
  });
}

function chargeFacts(charge: Json, providerPaymentId: string): PaymentFacts {
  return compact({
    amount: minorAmount(charge.amount, 'data.object.amount'),
    currency: currencyCode(charge.currency, 'data.object.currency'),
    providerPaymentId,
    customerId: idOf(charge.customer),
    description: optionalString(charge.description, 1000),
    card: chargeCard(charge),
  });
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
