export const PROVIDERS = ['stripe', 'paystack'] as const;
export type Provider = (typeof PROVIDERS)[number];

export function isProvider(value: unknown): value is Provider {
  return (PROVIDERS as readonly unknown[]).includes(value);
}

/** Cards are only ever referenced by provider token; never a PAN or CVC. */
export interface CardReference {
  token: string;
  brand?: string;
  last4?: string;
}

type Event<Type extends string, Data> = { type: Type; data: Data };

export type PaymentCreated = Event<
  'PaymentCreated',
  {
    paymentId: string;
    provider: Provider;
    amount: number;
    currency: string;
    customerId?: string;
    description?: string;
    card?: CardReference;
    metadata?: Record<string, string>;
    createdAt: string;
  }
>;

export type PaymentProcessing = Event<'PaymentProcessing', { paymentId: string; startedAt: string }>;

export type PaymentSucceeded = Event<
  'PaymentSucceeded',
  {
    paymentId: string;
    amount: number;
    currency: string;
    providerPaymentId?: string;
    processingTimeMs?: number;
    succeededAt: string;
  }
>;

export type PaymentFailed = Event<
  'PaymentFailed',
  { paymentId: string; errorCode: string; errorMessage?: string; processingTimeMs?: number; failedAt: string }
>;

export type PaymentRefunded = Event<
  'PaymentRefunded',
  {
    paymentId: string;
    refundId: string;
    /** The provider's id of this refund, when known: a later report of it is the same refund. */
    providerRefundId?: string;
    /** This refund's own amount. */
    amount: number;
    /** The part of `amount` newly added to the refunded total; absent means all of it (less when a cumulative report had already proved part of it). */
    counted?: number;
    currency: string;
    reason?: string;
    totalRefunded: number;
    refundedAt: string;
  }
>;

/** A provider's cumulative report (Stripe `charge.refunded` without its list) proved more refunded than the named refunds: counted once, attributed later. */
export type PaymentRefundReported = Event<
  'PaymentRefundReported',
  { paymentId: string; reportedTotal: number; counted: number; currency: string; totalRefunded: number; reportedAt: string }
>;

/** A refund the provider reports as failed or canceled after it was counted: `counted` leaves the total again (0 when it never entered it). */
export type PaymentRefundReversed = Event<
  'PaymentRefundReversed',
  {
    paymentId: string;
    refundId: string;
    providerRefundId?: string;
    amount: number;
    counted: number;
    currency: string;
    totalRefunded: number;
    reversedAt: string;
  }
>;

/** The recorded refunds exceed what the provider's own cumulative report says: a person decides, the ledger does not guess. */
export type PaymentRefundMismatch = Event<
  'PaymentRefundMismatch',
  { paymentId: string; reportedTotal: number; recordedTotal: number; currency: string; detectedAt: string }
>;

export type PaymentFraudFlagged = Event<'PaymentFraudFlagged', { paymentId: string; reason: string; score?: number; flaggedAt: string }>;

export type PaymentDisputed = Event<
  'PaymentDisputed',
  {
    paymentId: string;
    /** Absent on events stored before disputes could close: such a dispute is known as `paymentId`. */
    disputeId?: string;
    providerDisputeId?: string;
    reason: string;
    amount: number;
    currency: string;
    disputedAt: string;
  }
>;

export const DISPUTE_OUTCOMES = ['won', 'lost', 'warning_closed'] as const;
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];

/** A dispute's end. `lost`: the disputed amount is taken back (a dispute loss); `won` and `warning_closed`: nothing is. */
export type PaymentDisputeClosed = Event<
  'PaymentDisputeClosed',
  { paymentId: string; disputeId: string; outcome: DisputeOutcome; amount: number; currency: string; closedAt: string }
>;

export type PaymentEvent =
  | PaymentCreated
  | PaymentProcessing
  | PaymentSucceeded
  | PaymentFailed
  | PaymentRefunded
  | PaymentRefundReported
  | PaymentRefundReversed
  | PaymentRefundMismatch
  | PaymentFraudFlagged
  | PaymentDisputed
  | PaymentDisputeClosed;

export type PaymentEventType = PaymentEvent['type'];
export type PaymentEventOf<T extends PaymentEventType> = Extract<PaymentEvent, { type: T }>;
export type PaymentEventData<T extends PaymentEventType> = PaymentEventOf<T>['data'];

// `satisfies` plus the mapped check keep this list and the union from drifting apart.
export const PAYMENT_EVENT_TYPES = [
  'PaymentCreated',
  'PaymentProcessing',
  'PaymentSucceeded',
  'PaymentFailed',
  'PaymentRefunded',
  'PaymentFraudFlagged',
  'PaymentDisputed',
  'PaymentRefundReported',
  'PaymentRefundReversed',
  'PaymentRefundMismatch',
  'PaymentDisputeClosed',
] as const satisfies readonly PaymentEventType[];
type MissingEventType = Exclude<PaymentEventType, (typeof PAYMENT_EVENT_TYPES)[number]>;
const everyEventTypeListed: [MissingEventType] extends [never] ? true : MissingEventType = true;
void everyEventTypeListed;

export function isPaymentEventType(type: string): type is PaymentEventType {
  return (PAYMENT_EVENT_TYPES as readonly string[]).includes(type);
}

export interface EventMetadata {
  correlationId: string;
  causationId?: string;
  /** API key id, or `webhook:<provider>`. */
  actor: string;
  sourceIp?: string;
  idempotencyKey?: string;
  schemaVersion: number;
  occurredAt: string;
  deliveryId?: string;
}

export const CURRENT_SCHEMA_VERSION = 1;

export const PAYMENT_STREAM_PREFIX = 'payment-';

export function paymentStreamId(paymentId: string): string {
  return PAYMENT_STREAM_PREFIX + paymentId;
}

export function isPaymentStream(streamId: string): boolean {
  return streamId.startsWith(PAYMENT_STREAM_PREFIX) && streamId.length > PAYMENT_STREAM_PREFIX.length;
}

/** The payment id of a `payment-<id>` stream, or undefined for any other stream. */
export function paymentIdFromStream(streamId: string): string | undefined {
  return isPaymentStream(streamId) ? streamId.slice(PAYMENT_STREAM_PREFIX.length) : undefined;
}
