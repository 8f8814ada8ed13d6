import type {
  DisputeOutcome,
  MismatchKind,
  MismatchSide,
  MismatchSubject,
  PaymentEventData,
  ReviewDecision,
  RiskSignals,
  VelocityFinding,
} from './events';

/** Commands bring the clock with them so that decide stays pure. */
type Command<Type extends string, Data> = { type: Type; data: Data; now: Date };

export type CreatePayment = Command<'CreatePayment', Omit<PaymentEventData<'PaymentCreated'>, 'createdAt'>>;

export type StartProcessing = Command<'StartProcessing', { paymentId: string }>;

/**
 * From a provider: `amount` is what it captured, in `currency` (checked against the payment's), `authorizedAmount`
 * what was authorised. From the API: neither, the payment's amount is captured.
 */
export type MarkPaymentSucceeded = Command<
  'MarkPaymentSucceeded',
  {
    paymentId: string;
    providerPaymentId?: string;
    providerChargeId?: string;
    processingTimeMs?: number;
    amount?: number;
    currency?: string;
    authorizedAmount?: number;
  }
>;

/** A failed attempt the provider reported; `attemptId` (the charge) makes a repeat of it a no-op. */
export type RecordAttemptFailure = Command<
  'RecordAttemptFailure',
  { paymentId: string; attemptId?: string; providerPaymentId?: string; errorCode: string; errorMessage?: string; risk?: RiskSignals }
>;

/** A provider fact that contradicts the books (see PaymentProviderMismatch). */
export type ReportProviderMismatch = Command<
  'ReportProviderMismatch',
  {
    paymentId: string;
    mismatchId: string;
    subject: MismatchSubject;
    kind: MismatchKind;
    holds: boolean;
    provider: MismatchSide;
    eventType?: string;
  }
>;

/** A person's decision on the oldest mismatch holding the payment. */
export type ReviewMismatch = Command<'ReviewMismatch', { paymentId: string; decision: ReviewDecision; note: string }>;

export type MarkPaymentFailed = Command<
  'MarkPaymentFailed',
  { paymentId: string; errorCode: string; errorMessage?: string; processingTimeMs?: number }
>;

/** `reportedByProvider`: a refund the provider made (booked whatever the disputes); else asked through the API. */
export type RefundPayment = Command<
  'RefundPayment',
  { paymentId: string; refundId: string; providerRefundId?: string; amount: number; reason?: string; reportedByProvider?: boolean }
>;

/** A provider's cumulative refunded amount for the payment, as of `now` (the report's provider time). */
export type ReportRefundTotal = Command<'ReportRefundTotal', { paymentId: string; reportedTotal: number }>;

/** The provider says this refund failed or was canceled. */
export type ReverseRefund = Command<'ReverseRefund', { paymentId: string; refundId: string; providerRefundId?: string; amount: number }>;

export type FlagFraud = Command<'FlagFraud', { paymentId: string; reason: string; score?: number } & Partial<VelocityFinding>>;

/** `reportedByProvider`: the provider's dispute, booked as reported (also above the charge, with a mismatch). */
export type OpenDispute = Command<
  'OpenDispute',
  { paymentId: string; disputeId: string; providerDisputeId?: string; reason: string; amount?: number; reportedByProvider?: boolean }
>;

/** Names the dispute by our id or the provider's. */
export type CloseDispute = Command<'CloseDispute', { paymentId: string; disputeId: string; outcome: DisputeOutcome }>;

export type PaymentCommand =
  | CreatePayment
  | StartProcessing
  | MarkPaymentSucceeded
  | MarkPaymentFailed
  | RefundPayment
  | ReportRefundTotal
  | ReverseRefund
  | FlagFraud
  | OpenDispute
  | CloseDispute
  | RecordAttemptFailure
  | ReportProviderMismatch
  | ReviewMismatch;

export type PaymentCommandType = PaymentCommand['type'];
export type PaymentCommandOf<T extends PaymentCommandType> = Extract<PaymentCommand, { type: T }>;

export const PAYMENT_COMMAND_TYPES = [
  'CreatePayment',
  'StartProcessing',
  'MarkPaymentSucceeded',
  'MarkPaymentFailed',
  'RefundPayment',
  'FlagFraud',
  'OpenDispute',
  'ReportRefundTotal',
  'ReverseRefund',
  'CloseDispute',
  'RecordAttemptFailure',
  'ReportProviderMismatch',
  'ReviewMismatch',
] as const satisfies readonly PaymentCommandType[];
