import type { PaymentEventData } from './events';

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

export type FlagFraud = Command<'FlagFraud', { paymentId: string; reason: string; score?: number }>;

export type OpenDispute = Command<'OpenDispute', { paymentId: string; reason: string; amount?: number }>;

export type PaymentCommand =
  | CreatePayment
  | StartProcessing
  | MarkPaymentSucceeded
  | MarkPaymentFailed
  | RefundPayment
  | FlagFraud
  | OpenDispute;

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
] as const satisfies readonly PaymentCommandType[];
