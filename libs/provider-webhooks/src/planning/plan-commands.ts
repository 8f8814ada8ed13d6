import {
  PaymentNotFoundError, type PaymentCommand, type PaymentLifecycle, type PaymentState, type Provider,
} from '@ledger/payments-domain';
import type { PaymentFacts, WebhookAction, WebhookIntent } from '../mapping/intent';

export interface PaymentSnapshot {
  readonly state: PaymentState;
  /** refundId of every PaymentRefunded in the stream: the same provider refund is never appended twice. */
  readonly refundIds: ReadonlySet<string>;
}

export interface PlanContext {
  readonly paymentId: string;
  readonly provider: Provider;
  readonly now: Date;
}

type PaymentIntent = Extract<WebhookIntent, { kind: 'payment' }>;

const LADDER: readonly PaymentLifecycle[] = ['none', 'pending', 'processing', 'succeeded'];

/**
 * The commands that bring our payment to what the provider reports. Providers
 * deliver out of order, so a payment is created on first sight and walked
 * through the states it skipped (a success before its create becomes
 * create → processing → success). What the state machine forbids (a success
 * after a failure) is still planned, so decide refuses it with its own code.
 */
export function planCommands(intent: PaymentIntent, snapshot: PaymentSnapshot, ctx: PlanContext): PaymentCommand[] {
  const { state, refundIds } = snapshot;
  const { paymentId, now } = ctx;
  const action: WebhookAction = intent.action;
  const reach = (target: PaymentLifecycle) => walkTo(target, state, intent.facts, ctx);
  const after = (target: PaymentLifecycle, command: PaymentCommand | undefined) =>
    command ? [...reach(target), command] : [];

  switch (action.type) {
    case 'create':
      return reach('pending');
    case 'processing':
      return reach('processing');
    case 'succeed':
      if (state.status === 'failed') return [succeeded(paymentId, intent.facts, now)];
      return reach('succeeded');
    case 'fail':
      if (state.status === 'succeeded' || state.status === 'failed') return [];
      return after('processing', { type: 'MarkPaymentFailed', data: withData(paymentId, action, ['errorCode', 'errorMessage']), now });
    case 'refund':
      if (refundIds.has(action.refundId)) return [];
      return after('succeeded', refund(paymentId, action.refundId, action.amount, action.reason, now));
    case 'refundTotal': {
      // Before the walk to success our refunded total is 0, so the whole cumulative amount is new.
      const missing = action.totalRefunded - (state.status === 'succeeded' ? state.refunded : 0);
      if (missing <= 0) return [];
      const refundId = refundIds.has(action.refundId) ? `${action.refundId}@${action.totalRefunded}` : action.refundId;
      return after('succeeded', refund(paymentId, refundId, missing, undefined, now));
    }
    case 'dispute':
      if (state.disputed) return [];
      return after('succeeded', { type: 'OpenDispute', data: withData(paymentId, action, ['reason', 'amount']), now });
    case 'flagFraud':
      return after('pending', { type: 'FlagFraud', data: { paymentId, reason: action.reason }, now });
  }
}

/** Steps from the current status up to target; none when already there, past it, or failed. */
function walkTo(target: PaymentLifecycle, state: PaymentState, facts: PaymentFacts | undefined, ctx: PlanContext): PaymentCommand[] {
  const from = LADDER.indexOf(state.status);
  const to = LADDER.indexOf(target);
  if (from < 0 || from >= to) return [];
  const { paymentId, provider, now } = ctx;
  const commands: PaymentCommand[] = [];
  for (let step = from + 1; step <= to; step++) {
    const status = LADDER[step];
    if (status === 'pending') {
      if (!facts) throw new PaymentNotFoundError(paymentId);
      const { amount, currency, customerId, description, card } = facts;
      commands.push({ type: 'CreatePayment', data: defined({ paymentId, provider, amount, currency, customerId, description, card }), now });
    } else if (status === 'processing') {
      commands.push({ type: 'StartProcessing', data: { paymentId }, now });
    } else {
      commands.push(succeeded(paymentId, facts, now));
    }
  }
  return commands;
}

function succeeded(paymentId: string, facts: PaymentFacts | undefined, now: Date): PaymentCommand {
  return { type: 'MarkPaymentSucceeded', data: defined({ paymentId, providerPaymentId: facts?.providerPaymentId }), now };
}

function refund(paymentId: string, refundId: string, amount: number, reason: string | undefined, now: Date): PaymentCommand {
  return { type: 'RefundPayment', data: defined({ paymentId, refundId, amount, reason }), now };
}

function withData<A extends object, K extends keyof A>(paymentId: string, action: A, keys: K[]): { paymentId: string } & Pick<A, K> {
  const picked = Object.fromEntries(keys.map((k) => [k, action[k]])) as Pick<A, K>;
  return defined({ paymentId, ...picked });
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
