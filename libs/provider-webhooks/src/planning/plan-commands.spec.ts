import { decide, evolve, foldPayment, initialState, type PaymentCommand, type PaymentEvent, PaymentNotFoundError } from '@ledger/payments-domain';
import type { PaymentFacts, WebhookAction } from '../mapping/intent';
import { planCommands } from './plan-commands';

const now = new Date('2025-01-01T00:00:00Z');
const ctx = { paymentId: 'pay_1', provider: 'stripe' as const, now };
const facts: PaymentFacts = { amount: 2000, currency: 'USD', providerPaymentId: 'pi_1' };

const intent = (action: WebhookAction, withFacts = true) => ({
  kind: 'payment' as const,
  eventType: 'test',
  references: ['pi_1'],
  ...(withFacts ? { facts } : {}),
  action,
});

/** Runs the plan through the real decider, as the command handlers will. */
function run(history: PaymentEvent[], action: WebhookAction, withFacts = true) {
  const refundIds = new Set(history.flatMap((e) => (e.type === 'PaymentRefunded' ? [e.data.refundId] : [])));
  const commands = planCommands(intent(action, withFacts), { state: foldPayment(history), refundIds }, ctx);
  const events = commands.reduce<PaymentEvent[]>((all, c) => [...all, ...decide(c, foldPayment(all))], history);
  return { commands: commands.map((c: PaymentCommand) => c.type), events, state: events.reduce(evolve, initialState()) };
}

const succeededHistory = () => run([], { type: 'succeed' }).events;

describe('Webhook plan', () => {
  describe('when the payment is unknown', () => {
    it('creates it and walks it through processing to success in one go', () => {
      const { commands, state, events } = run([], { type: 'succeed' });
      expect(commands).toEqual(['CreatePayment', 'StartProcessing', 'MarkPaymentSucceeded']);
      expect(state).toMatchObject({ status: 'succeeded', captured: 2000, currency: 'USD' });
      expect(events[2].data).toMatchObject({ providerPaymentId: 'pi_1' });
    });

    it('walks a failure through processing', () => {
      expect(run([], { type: 'fail', errorCode: 'insufficient_funds' }).commands).toEqual([
        'CreatePayment',
        'StartProcessing',
        'MarkPaymentFailed',
      ]);
    });

    it('refuses with payment_not_found when the event cannot create it (no amount)', () => {
      expect(() => run([], { type: 'flagFraud', reason: 'efw' }, false)).toThrow(PaymentNotFoundError);
    });
  });

  describe('when the payment exists', () => {
    it('does nothing for a create or processing it has passed', () => {
      const history = succeededHistory();
      expect(run(history, { type: 'create' }).commands).toEqual([]);
      expect(run(history, { type: 'processing' }).commands).toEqual([]);
      expect(run(history, { type: 'succeed' }).commands).toEqual([]);
    });

    it('ignores a stale failure after success', () => {
      expect(run(succeededHistory(), { type: 'fail', errorCode: 'x' }).commands).toEqual([]);
    });

    it('leaves a success after a failure to the state machine, which refuses it', () => {
      const failed = run([], { type: 'fail', errorCode: 'insufficient_funds' }).events;
      expect(() => run(failed, { type: 'succeed' })).toThrow(/Cannot MarkPaymentSucceeded a payment that is failed/);
    });
  });

  describe('refunds', () => {
    it('appends only the difference between Stripe’s cumulative total and ours', () => {
      const first = run(succeededHistory(), { type: 'refundTotal', refundId: 're_1', totalRefunded: 500 });
      expect(first.events.at(-1)?.data).toMatchObject({ amount: 500, refundId: 're_1', totalRefunded: 500 });
      const second = run(first.events, { type: 'refundTotal', refundId: 're_2', totalRefunded: 800 });
      expect(second.events.at(-1)?.data).toMatchObject({ amount: 300, refundId: 're_2', totalRefunded: 800 });
      expect(run(second.events, { type: 'refundTotal', refundId: 're_1', totalRefunded: 500 }).commands).toEqual([]);
    });

    it('never appends the same provider refund twice', () => {
      const once = run(succeededHistory(), { type: 'refund', refundId: 're_1', amount: 500 });
      expect(run(once.events, { type: 'refund', refundId: 're_1', amount: 500 }).commands).toEqual([]);
      expect(run(once.events, { type: 'refundTotal', refundId: 're_1', totalRefunded: 500 }).commands).toEqual([]);
    });

    it('brings an unknown payment to success before refunding it', () => {
      expect(run([], { type: 'refundTotal', refundId: 're_1', totalRefunded: 500 }).commands).toEqual([
        'CreatePayment',
        'StartProcessing',
        'MarkPaymentSucceeded',
        'RefundPayment',
      ]);
    });
  });

  describe('disputes and fraud', () => {
    it('opens a dispute once', () => {
      const disputed = run(succeededHistory(), { type: 'dispute', reason: 'fraudulent', amount: 2000 });
      expect(disputed.state.disputed).toBe(true);
      expect(run(disputed.events, { type: 'dispute', reason: 'fraudulent' }).commands).toEqual([]);
    });

    it('flags fraud at any state', () => {
      expect(run(succeededHistory(), { type: 'flagFraud', reason: 'efw' }).commands).toEqual(['FlagFraud']);
      expect(run([], { type: 'flagFraud', reason: 'efw' }).commands).toEqual(['CreatePayment', 'FlagFraud']);
    });
  });
});
