import type { CardReference, DisputeOutcome } from '@ledger/payments-domain';
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
import { customerFacts } from './customer';
import type { PaymentFacts, WebhookIntent } from './intent';

export const PAYSTACK_EVENT_TYPES = [
  'charge.success',
  'refund.processed',
  'refund.failed',
  'charge.dispute.create',
  'charge.dispute.remind',
  'charge.dispute.resolve',
] as const;

/** How a resolved dispute ended: the merchant accepted the chargeback (the money goes back), or it was declined. */
const RESOLUTIONS: Readonly<Record<string, DisputeOutcome>> = { 'merchant-accepted': 'lost', declined: 'won' };

const HANDLED: ReadonlySet<string> = new Set(PAYSTACK_EVENT_TYPES);

/**
 * Paystack's refund on its way (`refund.pending`: initiated, waiting for the processor; `refund.processing`: with
 * the processor) changes no money yet: the refund counts when Paystack reports it processed, under its
 * `refund_reference`, which a pending refund does not have yet. Acknowledged, booked as nothing.
 */
const REFUND_ON_ITS_WAY: ReadonlySet<string> = new Set(['refund.pending', 'refund.processing']);

/** A Paystack event (already masked). The transaction `reference` is the provider payment id. */
export function mapPaystackEvent(event: Json, deliveryId?: string): WebhookIntent {
  const eventType = requiredString(event, 'event', 'body');
  if (!HANDLED.has(eventType) || REFUND_ON_ITS_WAY.has(eventType)) return { kind: 'ignored', eventType };
  const data = objectAt(event, 'data', 'body');

  if (eventType === 'charge.success') {
    const reference = requiredString(data, 'reference', 'data');
    return {
      kind: 'payment',
      eventType,
      references: [reference],
      paymentIdHint: paymentIdFromMetadata(parsedMetadata(data.metadata)),
      facts: transactionFacts(data, reference, 'data'),
      action: { type: 'succeed' },
      occurredAt: providerTime(data.paid_at ?? data.paidAt),
    };
  }
  if (eventType === 'refund.processed' || eventType === 'refund.failed') {
    const reference = requiredString(data, 'transaction_reference', 'data');
    const amount = amountAt('paystack', data, 'amount', 'data');
    const named = optionalString(data.refund_reference, 255) ?? idOf(data.id);
    // refund.failed: the refund never went through (Paystack credits the amount back); one counted under its
    // name is taken back, and one not seen yet will not count. Without a name there is nothing it could undo.
    if (eventType === 'refund.failed' && named === undefined) return { kind: 'ignored', eventType };
    // Paystack's own refund id where it sends one. Without it, the delivery itself names the refund (a
    // redelivery is the same bytes), so two equal partial refunds stay two refunds: never matched on amount.
    const refundId = named ?? `${reference}@refund:${deliveryId ?? amount}`;
    const failed = eventType === 'refund.failed';
    return {
      kind: 'payment',
      eventType,
      references: [reference],
      // The refund's own currency: one other than the payment's is a mismatch, never counted.
      action: { type: 'refunds', refunds: [compact({ refundId, amount, failed, currency: refundCurrency(data) })] },
    };
  }
  const transaction = objectAt(data, 'transaction', 'data');
  const reference = requiredString(transaction, 'reference', 'data.transaction');
  const disputed =
    data.refund_amount === undefined || data.refund_amount === null
      ? undefined
      : amountAt('paystack', data, 'refund_amount', 'data', { object: transaction, path: 'data.transaction' });
  return {
    kind: 'payment',
    eventType,
    references: [reference],
    paymentIdHint: paymentIdFromMetadata(parsedMetadata(transaction.metadata)),
    facts: transactionFacts(transaction, reference, 'data.transaction'),
    action: compact({
      type: 'dispute' as const,
      disputeId: idOf(data.id) ?? `${reference}@dispute`,
      reason: optionalString(data.category) ?? optionalString(data.reason) ?? 'chargeback',
      amount: disputed && disputed > 0 ? disputed : undefined,
      outcome: eventType === 'charge.dispute.resolve' ? RESOLUTIONS[optionalString(data.resolution) ?? ''] : undefined,
    }),
    occurredAt: providerTime(
      eventType === 'charge.dispute.resolve' ? (data.resolvedAt ?? data.resolved_at) : (data.createdAt ?? data.created_at),
    ),
  };
}

function refundCurrency(data: Json): string | undefined {
  return data.currency === undefined || data.currency === null ? undefined : currencyCode(data.currency, 'data.currency');
}

/** Paystack metadata is an object, a JSON string, or "" depending on how the transaction was started. */
function parsedMetadata(metadata: unknown): unknown {
  if (typeof metadata !== 'string') return metadata;
  try {
    return JSON.parse(metadata);
  } catch {
    return undefined;
  }
}

function transactionFacts(transaction: Json, reference: string, path: string): PaymentFacts {
  const customer = isObject(transaction.customer) ? transaction.customer : {};
  return compact({
    amount: amountAt('paystack', transaction, 'amount', path),
    currency: currencyCode(transaction.currency, `${path}.currency`),
    providerPaymentId: reference,
    ...customerFacts(optionalString(customer.customer_code, 255)),
    card: authorizationCard(transaction.authorization),
    riskSignals: transactionSignals(transaction, customer),
    createdAt: providerTime(transaction.created_at ?? transaction.createdAt),
  });
}

/** The card's signature and country, the customer's e-mail, the payer's address (issue 30): the door validates and tokenises them. */
function transactionSignals(transaction: Json, customer: Json): PaymentFacts['riskSignals'] {
  const authorization = isObject(transaction.authorization) ? transaction.authorization : {};
  const signals = compact({
    cardFingerprint: authorization.signature,
    cardCountry: authorization.country_code,
    email: customer.email,
    ipAddress: transaction.ip_address,
  });
  return Object.values(signals).some((v) => v !== undefined && v !== null) ? signals : undefined;
}

/** The reusable authorization code is Paystack's card token; bin, expiry and the rest are not kept. */
function authorizationCard(authorization: unknown): CardReference | undefined {
  if (!isObject(authorization)) return undefined;
  const token = optionalString(authorization.authorization_code, 255);
  if (!token) return undefined;
  const last4 = typeof authorization.last4 === 'string' && /^\d{4}$/.test(authorization.last4) ? authorization.last4 : undefined;
  return compact({ token, brand: optionalString(authorization.card_type ?? authorization.brand, 32)?.trim(), last4 });
}
