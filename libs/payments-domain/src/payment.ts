import type { PaymentCommand, PaymentCommandType } from './commands';
import {
  DisputeExceedsCapturedError,
  InvalidStateTransitionError,
  PaymentAlreadyDisputedError,
  PaymentAlreadyExistsError,
  PaymentNotFoundError,
  RefundExceedsCapturedError,
} from './errors';
import type { PaymentEvent, Provider } from './events';
import { assertKnownCurrency, assertPositiveMinorAmount } from './money';

export type PaymentLifecycle = 'none' | 'pending' | 'processing' | 'succeeded' | 'failed';

/** Only what decide needs; every other view of a payment is a projection. */
export interface PaymentState {
  status: PaymentLifecycle;
  provider?: Provider;
  currency?: string;
  amount: number;
  captured: number;
  refunded: number;
  disputed: boolean;
  fraudFlags: number;
}

export type PaymentStatus = 'pending' | 'processing' | 'succeeded' | 'failed' | 'partially_refunded' | 'refunded';

export function initialState(): PaymentState {
  return { status: 'none', amount: 0, captured: 0, refunded: 0, disputed: false, fraudFlags: 0 };
}

/** The contract's status, or undefined when the payment does not exist. */
export function paymentStatus(state: PaymentState): PaymentStatus | undefined {
  if (state.status === 'none') return undefined;
  if (state.status !== 'succeeded' || state.refunded === 0) return state.status;
  return refundedStatus(state.captured, state.refunded);
}

/** The status of a succeeded payment with some refund: refunded once the refunds reach what was captured. */
export function refundedStatus(captured: number, refunded: number): 'refunded' | 'partially_refunded' {
  return refunded >= captured ? 'refunded' : 'partially_refunded';
}

export function evolve(state: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'PaymentCreated': {
      const { provider, amount, currency } = event.data;
      return { ...state, status: 'pending', provider, amount, currency };
    }
    case 'PaymentProcessing':
      return { ...state, status: 'processing' };
    case 'PaymentSucceeded':
      return { ...state, status: 'succeeded', captured: event.data.amount };
    case 'PaymentFailed':
      return { ...state, status: 'failed' };
    case 'PaymentRefunded':
      return { ...state, refunded: state.refunded + event.data.amount };
    case 'PaymentFraudFlagged':
      return { ...state, fraudFlags: state.fraudFlags + 1 };
    case 'PaymentDisputed':
      return { ...state, disputed: true };
    default:
      // Streams may hold event types newer than this code; they change nothing decide relies on.
      return state;
  }
}

export function foldPayment(events: readonly PaymentEvent[]): PaymentState {
  return events.reduce(evolve, initialState());
}

export function decide(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  const { paymentId } = command.data;
  const at = command.now.toISOString();

  if (command.type === 'CreatePayment') {
    if (state.status !== 'none') throw new PaymentAlreadyExistsError(paymentId);
    const { provider, amount, currency, customerId, description, card, metadata } = command.data;
    assertPositiveMinorAmount(amount);
    assertKnownCurrency(currency);
    const data = { paymentId, provider, amount, currency, customerId, description, card, metadata, createdAt: at };
    return [{ type: 'PaymentCreated', data: definedOnly(data) }];
  }
  if (state.status === 'none') throw new PaymentNotFoundError(paymentId);
  const currency = state.currency ?? '';

  switch (command.type) {
    case 'StartProcessing':
      requireStatus(state, 'pending', command.type);
      return [{ type: 'PaymentProcessing', data: { paymentId, startedAt: at } }];

    case 'MarkPaymentSucceeded': {
      requireStatus(state, 'processing', command.type);
      const { providerPaymentId, processingTimeMs } = command.data;
      const data = { paymentId, amount: state.amount, currency, providerPaymentId, processingTimeMs, succeededAt: at };
      return [{ type: 'PaymentSucceeded', data: definedOnly(data) }];
    }

    case 'MarkPaymentFailed': {
      requireStatus(state, 'processing', command.type);
      const { errorCode, errorMessage, processingTimeMs } = command.data;
      const data = { paymentId, errorCode, errorMessage, processingTimeMs, failedAt: at };
      return [{ type: 'PaymentFailed', data: definedOnly(data) }];
    }

    case 'RefundPayment': {
      const { refundId, providerRefundId, amount, reason } = command.data;
      assertPositiveMinorAmount(amount);
      requireStatus(state, 'succeeded', command.type);
      // Subtracting first keeps the comparison exact near Number.MAX_SAFE_INTEGER.
      const refundable = state.captured - state.refunded;
      if (amount > refundable) throw new RefundExceedsCapturedError(amount, refundable);
      const totalRefunded = state.refunded + amount;
      const data = { paymentId, refundId, providerRefundId, amount, currency, reason, totalRefunded, refundedAt: at };
      return [{ type: 'PaymentRefunded', data: definedOnly(data) }];
    }

    case 'FlagFraud': {
      const { reason, score } = command.data;
      return [{ type: 'PaymentFraudFlagged', data: definedOnly({ paymentId, reason, score, flaggedAt: at }) }];
    }

    case 'OpenDispute': {
      const { reason } = command.data;
      const amount = command.data.amount ?? state.captured;
      if (command.data.amount !== undefined) assertPositiveMinorAmount(amount);
      requireStatus(state, 'succeeded', command.type);
      if (state.disputed) throw new PaymentAlreadyDisputedError(paymentId);
      if (amount > state.captured) throw new DisputeExceedsCapturedError(amount, state.captured);
      return [{ type: 'PaymentDisputed', data: { paymentId, reason, amount, currency, disputedAt: at } }];
    }

    default: {
      const unhandled: never = command;
      throw new Error(`Unhandled payment command ${JSON.stringify(unhandled)}`);
    }
  }
}

function requireStatus(state: PaymentState, expected: PaymentLifecycle, command: PaymentCommandType): void {
  if (state.status !== expected) throw new InvalidStateTransitionError(paymentStatus(state) ?? 'none', command);
}

type DefinedOnly<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/** Optional fields are left out rather than stored as undefined, so events round-trip through JSON unchanged. */
function definedOnly<T extends object>(value: T): DefinedOnly<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as DefinedOnly<T>;
}
