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

/**
 * Risk signals of a payment or an attempt (CONTRACT.md › "Fraud velocity"): personal data, stored sealed under the
 * customer's data key as one value. `tokens` are keyed tokens (blind indexes) of the values, the only thing the
 * fraud-velocity process manager matches on; sealed with the rest, so forgetting the customer makes them unreadable.
 */
export interface RiskSignals {
  ipAddress?: string;
  ipCountry?: string;
  cardFingerprint?: string;
  cardCountry?: string;
  deviceId?: string;
  email?: string;
  tokens: { ip?: string; card?: string; device?: string; email?: string };
}

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
    risk?: RiskSignals;
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
    /** The provider's charge that captured it (Stripe `ch_…`), when the provider names one. */
    providerChargeId?: string;
    /** What was authorised, when the provider captured less (`amount` is what was captured and is booked). */
    authorizedAmount?: number;
    processingTimeMs?: number;
    succeededAt: string;
  }
>;

export type PaymentFailed = Event<
  'PaymentFailed',
  { paymentId: string; errorCode: string; errorMessage?: string; processingTimeMs?: number; failedAt: string }
>;

/**
 * One failed attempt the provider reported (a declined charge). The payment is `failed` now, but not for good: a
 * later success the provider reports moves it to `succeeded` (Stripe returns the PaymentIntent to
 * `requires_payment_method`). `attemptId` is the provider's id of the attempt (the charge), when it names one.
 */
export type PaymentAttemptFailed = Event<
  'PaymentAttemptFailed',
  {
    paymentId: string;
    attemptId?: string;
    providerPaymentId?: string;
    errorCode: string;
    errorMessage?: string;
    /** The attempt's own signals, when the provider sent them (the card it was tried with). */
    risk?: RiskSignals;
    failedAt: string;
  }
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

/** What a provider fact that contradicts the books is about. */
export const MISMATCH_SUBJECTS = ['payment', 'refund', 'dispute', 'event'] as const;
export type MismatchSubject = (typeof MISMATCH_SUBJECTS)[number];
export const MISMATCH_KINDS = ['amount', 'currency', 'object'] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

/** One side of a mismatch: an amount in its own currency, and the provider's references of the object. */
export interface MismatchSide {
  readonly amount?: number;
  readonly currency?: string;
  /** Provider references (intent, charge, refund, dispute, event ids), most specific first. */
  readonly references?: readonly string[];
}

/**
 * A provider fact that contradicts the books: another amount or currency than the payment's, a second object
 * under one provider event id, a refund or dispute that cannot be placed. Nothing of it is counted: both sides
 * are kept for a person, and one `provider_mismatch` alert is raised. `holds`: the payment waits in
 * `needs_review` until `POST /v1/payments/:id/review` settles it (the provider's amount waits in suspense).
 */
export type PaymentProviderMismatch = Event<
  'PaymentProviderMismatch',
  {
    paymentId: string;
    /** `<subject>:<provider reference>`: the same fact reported again (another delivery of it) is the same mismatch. */
    mismatchId: string;
    subject: MismatchSubject;
    kind: MismatchKind;
    holds: boolean;
    /** What the books say. */
    ours: MismatchSide;
    /** What the provider reported, in its own currency. */
    provider: MismatchSide;
    /** The provider's event type that reported it. */
    eventType?: string;
    detectedAt: string;
  }
>;

export const REVIEW_DECISIONS = ['accept_provider', 'refund', 'write_off'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/**
 * A person settled a mismatch that held the payment. `accept_provider`: the provider's amount is booked (a
 * PaymentSucceeded at that amount follows); `refund`: the provider's amount is to be given back; `write_off`: it is
 * written off. `stillOpen`: mismatches still holding the payment after this one.
 */
export type PaymentMismatchReviewed = Event<
  'PaymentMismatchReviewed',
  {
    paymentId: string;
    mismatchId: string;
    decision: ReviewDecision;
    note: string;
    amount?: number;
    currency?: string;
    stillOpen: number;
    reviewedAt: string;
  }
>;

/** What a fraud-velocity rule found (the process manager's flags): `reason` is then `velocity:<rule>`. */
export interface VelocityFinding {
  rule: string;
  window: string;
  count: number;
  threshold: number;
  /** The payments that tripped the rule (at most 100). */
  paymentIds: string[];
  /** One trip of a rule, whatever the number of payments it flags: one fraud_velocity alert each. */
  tripId: string;
}

export type PaymentFraudFlagged = Event<
  'PaymentFraudFlagged',
  { paymentId: string; reason: string; score?: number; flaggedAt: string } & Partial<VelocityFinding>
>;

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

/** Stripe's closed dispute statuses: `prevented` (the dispute was stopped before it became one) takes nothing back. */
export const DISPUTE_OUTCOMES = ['won', 'lost', 'warning_closed', 'prevented'] as const;
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number];

/** A dispute's end. `lost`: the disputed amount is taken back (a dispute loss); `won`, `warning_closed`, `prevented`: nothing is. */
export type PaymentDisputeClosed = Event<
  'PaymentDisputeClosed',
  { paymentId: string; disputeId: string; outcome: DisputeOutcome; amount: number; currency: string; closedAt: string }
>;

/** The provider's report of a dispute opened through the API without its id: the one open API dispute is that one. */
export type PaymentDisputeLinked = Event<
  'PaymentDisputeLinked',
  { paymentId: string; disputeId: string; providerDisputeId: string; linkedAt: string }
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
  | PaymentDisputeClosed
  | PaymentAttemptFailed
  | PaymentProviderMismatch
  | PaymentMismatchReviewed
  | PaymentDisputeLinked;

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
  'PaymentAttemptFailed',
  'PaymentProviderMismatch',
  'PaymentMismatchReviewed',
  'PaymentDisputeLinked',
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

/** 2: provider amounts in ISO minor units (issue 28); version 1 streams a provider's webhook created may need upcasting.ts's correction. */
export const CURRENT_SCHEMA_VERSION = 2;

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
