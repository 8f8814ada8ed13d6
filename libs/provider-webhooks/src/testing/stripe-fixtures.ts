/**
 * Payloads shaped like Stripe's published examples (API reference › Events,
 * PaymentIntent, Charge, Refund, Dispute, Early Fraud Warning), trimmed of
 * nothing we read and keeping fields we must ignore.
 */
type Json = Record<string, unknown>;

export interface StripeIds {
  readonly paymentIntent: string;
  readonly charge: string;
  readonly paymentId?: string;
}

export function stripeEvent(id: string, type: string, object: Json, created = 1_700_000_000): Json {
  return {
    id,
    object: 'event',
    api_version: '2024-06-20',
    created,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: 'req_8cIWPUbwbyHWOW', idempotency_key: '0d5c6f1f-6e0e-4a6a-9b1c-2b0b4b2b8a11' },
    type,
  };
}

export function paymentIntent(ids: StripeIds, status: string, extra: Json = {}): Json {
  return {
    id: ids.paymentIntent,
    object: 'payment_intent',
    amount: 2000,
    amount_capturable: 0,
    amount_received: status === 'succeeded' ? 2000 : 0,
    automatic_payment_methods: { allow_redirects: 'always', enabled: true },
    capture_method: 'automatic',
    client_secret: `${ids.paymentIntent}_secret_kP8tYpQ3`,
    confirmation_method: 'automatic',
    created: 1_700_000_000,
    currency: 'usd',
    customer: 'cus_NffrFeUfNV2Hib',
    description: 'Order #1042',
    last_payment_error: null,
    latest_charge: status === 'succeeded' ? ids.charge : null,
    livemode: false,
    metadata: ids.paymentId ? { paymentId: ids.paymentId } : {},
    payment_method: 'pm_1MtHbELkdIwHu7ixl4OzzPMv',
    payment_method_types: ['card'],
    receipt_email: null,
    status,
    ...extra,
  };
}

export function declinedIntent(ids: StripeIds): Json {
  return paymentIntent(ids, 'requires_payment_method', {
    last_payment_error: {
      charge: ids.charge,
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      doc_url: 'https://stripe.com/docs/error-codes/card-declined',
      message: 'Your card has insufficient funds.',
      payment_method: {
        id: 'pm_1MtHbELkdIwHu7ixl4OzzPMv',
        object: 'payment_method',
        card: { brand: 'visa', country: 'US', exp_month: 8, exp_year: 2026, funding: 'credit', last4: '9995' },
        type: 'card',
      },
      type: 'card_error',
    },
  });
}

export function charge(ids: StripeIds, extra: Json = {}): Json {
  return {
    id: ids.charge,
    object: 'charge',
    amount: 2000,
    amount_captured: 2000,
    amount_refunded: 0,
    balance_transaction: 'txn_3MtHbELkdIwHu7ix0Snt5tNw',
    billing_details: { address: { country: 'US', postal_code: '94107' }, email: null, name: 'Jenny Rosen', phone: null },
    captured: true,
    created: 1_700_000_001,
    currency: 'usd',
    customer: 'cus_NffrFeUfNV2Hib',
    description: 'Order #1042',
    disputed: false,
    failure_code: null,
    failure_message: null,
    livemode: false,
    metadata: {},
    outcome: {
      network_status: 'approved_by_network',
      reason: null,
      risk_level: 'normal',
      seller_message: 'Payment complete.',
      type: 'authorized',
    },
    paid: true,
    payment_intent: ids.paymentIntent,
    payment_method: 'pm_1MtHbELkdIwHu7ixl4OzzPMv',
    payment_method_details: {
      card: {
        brand: 'visa',
        checks: { address_line1_check: null, address_postal_code_check: 'pass', cvc_check: 'pass' },
        country: 'US',
        exp_month: 8,
        exp_year: 2026,
        fingerprint: 'mToisGZ01V71BCos',
        funding: 'credit',
        last4: '4242',
        network: 'visa',
      },
      type: 'card',
    },
    receipt_url:
      'https://pay.stripe.com/receipts/payment/CAcaFwoVYWNjdF8xTTJKVGtMa2RJd0h1N2l4KOvG06AGMgZfBXyr1aw6LBa9vaaSRWU96d8qBwz9z2J_CObiV_H2-e8RezSK_sw0KISesp4czsOUlVKY',
    refunded: false,
    refunds: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/charges/${ids.charge}/refunds` },
    status: 'succeeded',
    ...extra,
  };
}

export function refundObject(ids: StripeIds, refundId: string, amount: number): Json {
  return {
    id: refundId,
    object: 'refund',
    amount,
    balance_transaction: 'txn_1Mr3bZLkdIwHu7ixjJ6nQYwT',
    charge: ids.charge,
    created: 1_700_000_100,
    currency: 'usd',
    metadata: {},
    payment_intent: ids.paymentIntent,
    reason: 'requested_by_customer',
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
}

/** charge.refunded carries the charge with its cumulative amount_refunded and, newest first, its refunds. */
export function refundedCharge(ids: StripeIds, refunds: readonly { id: string; amount: number }[]): Json {
  const total = refunds.reduce((sum, r) => sum + r.amount, 0);
  const data = [...refunds].reverse().map((r) => refundObject(ids, r.id, r.amount));
  return charge(ids, {
    amount_refunded: total,
    refunded: total >= 2000,
    refunds: { object: 'list', data, has_more: false, total_count: data.length, url: `/v1/charges/${ids.charge}/refunds` },
  });
}

export function dispute(ids: StripeIds, amount = 2000): Json {
  return {
    id: 'dp_1MtJUT2eZvKYlo2CNaw2HvEv',
    object: 'dispute',
    amount,
    balance_transactions: [],
    charge: ids.charge,
    created: 1_700_000_200,
    currency: 'usd',
    evidence: { customer_email_address: null, product_description: null, uncategorized_text: null },
    evidence_details: { due_by: 1_700_864_000, has_evidence: false, past_due: false, submission_count: 0 },
    is_charge_refundable: true,
    livemode: false,
    metadata: {},
    payment_intent: ids.paymentIntent,
    reason: 'fraudulent',
    status: 'warning_needs_response',
  };
}

export function earlyFraudWarning(ids: StripeIds): Json {
  return {
    id: 'issfr_1NnrwHBw2dPENLoi9lnhV3RQ',
    object: 'radar.early_fraud_warning',
    actionable: true,
    charge: ids.charge,
    created: 1_700_000_300,
    fraud_type: 'made_with_stolen_card',
    livemode: false,
    payment_intent: ids.paymentIntent,
  };
}
