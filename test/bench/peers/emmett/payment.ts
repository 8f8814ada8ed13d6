import {
  EmmettError,
  IllegalStateError,
  NotFoundError,
  ValidationError,
  type Command,
  type Decider,
  type Event,
} from '@event-driven-io/emmett';

/**
 * The payment lifecycle of libs/payments-domain, written the way Emmett's samples write a decider
 * (commands and events as Emmett types, `decide` / `evolve` / `initialState`, Emmett's errors), for
 * the benchmark peer only: created → processing → succeeded or failed; refunds of a succeeded
 * payment while the refunded total stays within what was captured. Amounts are integer minor units.
 */

export type PaymentCreated = Event<
  'PaymentCreated',
  { paymentId: string; provider: string; amount: number; currency: string; customerId?: string; createdAt: Date }
>;
export type PaymentProcessing = Event<'PaymentProcessing', { paymentId: string; startedAt: Date }>;
export type PaymentSucceeded = Event<
  'PaymentSucceeded',
  { paymentId: string; amount: number; currency: string; providerPaymentId?: string; processingTimeMs?: number; succeededAt: Date }
>;
export type PaymentFailed = Event<'PaymentFailed', { paymentId: string; errorCode: string; failedAt: Date }>;
export type PaymentRefunded = Event<
  'PaymentRefunded',
  { paymentId: string; amount: number; currency: string; totalRefunded: number; reason?: string; refundedAt: Date }
>;
export type PaymentEvent = PaymentCreated | PaymentProcessing | PaymentSucceeded | PaymentFailed | PaymentRefunded;

export type CreatePayment = Command<
  'CreatePayment',
  { paymentId: string; provider: string; amount: number; currency: string; customerId?: string }
>;
export type StartProcessing = Command<'StartProcessing', { paymentId: string }>;
export type MarkPaymentSucceeded = Command<
  'MarkPaymentSucceeded',
  { paymentId: string; providerPaymentId?: string; processingTimeMs?: number }
>;
export type MarkPaymentFailed = Command<'MarkPaymentFailed', { paymentId: string; errorCode: string }>;
export type RefundPayment = Command<'RefundPayment', { paymentId: string; amount: number; reason?: string }>;
export type PaymentCommand = CreatePayment | StartProcessing | MarkPaymentSucceeded | MarkPaymentFailed | RefundPayment;

export type Payment =
  | { status: 'Empty' }
  | { status: 'Pending' | 'Processing' | 'Failed'; amount: number; currency: string }
  | { status: 'Succeeded'; amount: number; currency: string; captured: number; refunded: number };

export const initialState = (): Payment => ({ status: 'Empty' });

export const evolve = (state: Payment, event: PaymentEvent): Payment => {
  const { type, data } = event;
  switch (type) {
    case 'PaymentCreated':
      return { status: 'Pending', amount: data.amount, currency: data.currency };
    case 'PaymentProcessing':
      return state.status === 'Pending' ? { ...state, status: 'Processing' } : state;
    case 'PaymentSucceeded':
      return { status: 'Succeeded', amount: data.amount, currency: data.currency, captured: data.amount, refunded: 0 };
    case 'PaymentFailed':
      return state.status === 'Processing' ? { ...state, status: 'Failed' } : state;
    case 'PaymentRefunded':
      return state.status === 'Succeeded' ? { ...state, refunded: data.totalRefunded } : state;
    default:
      return state;
  }
};

const now = (command: PaymentCommand): Date => command.metadata?.now ?? new Date();

const assertMinorAmount = (value: unknown): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
    throw new ValidationError('amount must be a positive integer of minor units');
  return value;
};

const existing = (state: Payment, paymentId: string) => {
  if (state.status === 'Empty') throw new NotFoundError({ id: paymentId, type: 'Payment' });
  return state;
};

export const createPayment = (command: CreatePayment, state: Payment): PaymentCreated => {
  if (state.status !== 'Empty') throw new IllegalStateError('Payment already exists');
  const { paymentId, provider, amount, currency, customerId } = command.data;
  if (!/^[A-Z]{3}$/.test(currency)) throw new ValidationError('currency must be an ISO 4217 code');
  const createdAt = now(command);
  return { type: 'PaymentCreated', data: { paymentId, provider, amount: assertMinorAmount(amount), currency, customerId, createdAt } };
};

export const startProcessing = (command: StartProcessing, state: Payment): PaymentProcessing => {
  if (existing(state, command.data.paymentId).status !== 'Pending') throw new IllegalStateError('Payment is not pending');
  return { type: 'PaymentProcessing', data: { paymentId: command.data.paymentId, startedAt: now(command) } };
};

export const markSucceeded = (command: MarkPaymentSucceeded, state: Payment): PaymentSucceeded => {
  const payment = existing(state, command.data.paymentId);
  if (payment.status !== 'Processing') throw new IllegalStateError('Payment is not processing');
  const { amount, currency } = payment;
  return { type: 'PaymentSucceeded', data: { ...command.data, amount, currency, succeededAt: now(command) } };
};

export const markFailed = (command: MarkPaymentFailed, state: Payment): PaymentFailed => {
  if (existing(state, command.data.paymentId).status !== 'Processing') throw new IllegalStateError('Payment is not processing');
  return { type: 'PaymentFailed', data: { ...command.data, failedAt: now(command) } };
};

export const refund = (command: RefundPayment, state: Payment): PaymentRefunded => {
  const payment = existing(state, command.data.paymentId);
  if (payment.status !== 'Succeeded') throw new IllegalStateError('Only a succeeded payment can be refunded');
  const amount = assertMinorAmount(command.data.amount);
  if (amount > payment.captured - payment.refunded) throw new IllegalStateError('Refunds would exceed the captured amount');
  const { paymentId, reason } = command.data;
  const totalRefunded = payment.refunded + amount;
  return {
    type: 'PaymentRefunded',
    data: { paymentId, amount, currency: payment.currency, totalRefunded, reason, refundedAt: now(command) },
  };
};

export const decide = (command: PaymentCommand, state: Payment): PaymentEvent => {
  const { type } = command;
  switch (type) {
    case 'CreatePayment':
      return createPayment(command, state);
    case 'StartProcessing':
      return startProcessing(command, state);
    case 'MarkPaymentSucceeded':
      return markSucceeded(command, state);
    case 'MarkPaymentFailed':
      return markFailed(command, state);
    case 'RefundPayment':
      return refund(command, state);
    default: {
      const _unknown: never = type;
      throw new EmmettError(`Unknown command type ${String(_unknown)}`);
    }
  }
};

export const decider: Decider<Payment, PaymentCommand, PaymentEvent> = { decide, evolve, initialState };
