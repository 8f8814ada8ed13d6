/**
 * Payloads shaped like Paystack's published webhook examples (charge.success, refund.processed, refund.failed,
 * charge.dispute.create, charge.dispute.resolve).
 */
type Json = Record<string, unknown>;

/**
 * Paystack's numeric ids, one per transaction (or dispute) as at Paystack: a delivery is known by `<event>:<data.id>`,
 * and one id about two transactions is a reused event id (a mismatch), so each reference gets its own.
 */
function paystackId(reference: string, base: number): number {
  let hash = 0;
  for (const char of reference) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000_007;
  return base + hash;
}

function paystackTransaction(reference: string, extra: Json = {}): Json {
  return {
    id: paystackId(reference, 302961),
    domain: 'live',
    status: 'success',
    reference,
    amount: 10000,
    message: null,
    gateway_response: 'Approved by Financial Institution',
    paid_at: '2016-09-30T21:10:19.000Z',
    created_at: '2016-09-30T21:09:56.000Z',
    channel: 'card',
    currency: 'NGN',
    ip_address: '41.242.49.37',
    metadata: 0,
    log: null,
    fees: null,
    customer: {
      id: 68324,
      first_name: 'BoJack',
      last_name: 'Horseman',
      email: 'bojack@horseman.com',
      customer_code: 'CUS_qo38as2hpsgk2r0',
      phone: null,
      metadata: null,
      risk_action: 'default',
    },
    authorization: {
      authorization_code: 'AUTH_f5rnfq9p',
      bin: '539999',
      last4: '8877',
      exp_month: '08',
      exp_year: '2020',
      card_type: 'mastercard DEBIT',
      bank: 'Guaranty Trust Bank',
      country_code: 'NG',
      brand: 'mastercard',
      account_name: 'BoJack Horseman',
    },
    plan: {},
    ...extra,
  };
}

export const chargeSuccess = (reference: string, extra: Json = {}): Json => ({
  event: 'charge.success',
  data: paystackTransaction(reference, extra),
});

export const refundProcessed = (reference: string, refundReference: string, amount: string | number): Json => ({
  event: 'refund.processed',
  data: {
    status: 'processed',
    transaction_reference: reference,
    refund_reference: refundReference,
    amount,
    currency: 'NGN',
    processor: 'mpgs_zen',
    customer: { first_name: 'BoJack', last_name: 'Horseman', email: 'bojack@horseman.com' },
    integration: 463433,
    domain: 'live',
  },
});

export const disputeCreated = (reference: string, refundAmount: number): Json => ({
  event: 'charge.dispute.create',
  data: {
    id: paystackId(reference, 358950),
    refund_amount: refundAmount,
    currency: 'NGN',
    status: 'awaiting-merchant-feedback',
    resolution: null,
    domain: 'live',
    transaction: paystackTransaction(reference),
    transaction_reference: null,
    category: 'chargeback',
    customer: { id: 68324, email: 'bojack@horseman.com', customer_code: 'CUS_qo38as2hpsgk2r0' },
    bin: '539999',
    last4: '8877',
    dueAt: '2024-09-30T21:10:19.000Z',
    resolvedAt: null,
    evidence: null,
    attachments: null,
    note: null,
    history: [{ status: 'pending', by: 'bojack@horseman.com', createdAt: '2024-09-29T21:10:19.000Z' }],
    messages: [{ sender: 'bojack@horseman.com', body: 'Customer says item was not delivered', createdAt: '2024-09-29T21:10:19.000Z' }],
    createdAt: '2024-09-29T21:10:19.000Z',
    updatedAt: '2024-09-29T21:10:19.000Z',
  },
});

/** The refund Paystack could not make (it credits the amount back): the processed refund's shape, status `failed`. */
export const refundFailed = (reference: string, refundReference: string, amount: string | number): Json => ({
  event: 'refund.failed',
  data: { ...(refundProcessed(reference, refundReference, amount).data as Json), status: 'failed' },
});

/** A dispute's end: `merchant-accepted` (the customer is refunded: lost) or `declined` (won). */
export const disputeResolved = (reference: string, refundAmount: number, resolution: 'merchant-accepted' | 'declined'): Json => {
  const { data } = disputeCreated(reference, refundAmount) as { data: Json };
  return {
    event: 'charge.dispute.resolve',
    data: { ...data, status: 'resolved', resolution, resolvedAt: '2024-10-02T21:10:19.000Z', updatedAt: '2024-10-02T21:10:19.000Z' },
  };
};
