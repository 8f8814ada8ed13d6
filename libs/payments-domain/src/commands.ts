import type { DisputeOutcome, PaymentEventData } from './events';

/** Commands bring the clock with them so that decide stays pure. */
type Command<Type extends string, Data> = { type: Type; data: Data; now: Date };

export type CreatePayment = Command<'CreatePayment', Omit<PaymentEventData<'PaymentCreated'>, 'createdAt'>>;

export type StartProcessing = Command<'StartProcessing', { paymentId: string }>;

export type MarkPaymentSucceeded = Command<
  'MarkPaymentSucceeded',
  { paymentId: string; providerPaymentId?: string; processingTimeMs?: number }
>;

export type MarkPaymentFailed = Command<
  'MarkPaymentFailed',
  { paymentId: string; errorCode: string; errorMessage?: string; processingTimeMs?: number }
>;

export type RefundPayment = Command<
  'RefundPayment',
  { paymentId: string; refundId: string; providerRefundId?: string; amount: number; reason?: string }
>;

/** A provider's cumulative refunded amount for the payment, as of `now` (the report's provider time). */
export type ReportRefundTotal = Command<'ReportRefundTotal', { paymentId: string; reportedTotal: number }>;

/** The provider says this refund failed or was canceled. */
export type ReverseRefund = Command<'ReverseRefund', { paymentId: string; refundId: string; providerRefundId?: string; amount: number }>;

export type FlagFraud = Command<'FlagFraud', { paymentId: string; reason: string; score?: number }>;

export type OpenDispute = Command<
  'OpenDispute',
  { paymentId: string; disputeId: string; providerDisputeId?: string; reason: string; amount?: number }
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
  | CloseDispute;

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
] as const satisfies readonly PaymentCommandType[];
