import {
  decide,
  evolve,
  foldPayment,
  initialState,
  type PaymentCommand,
  type PaymentEvent,
  PaymentNotFoundError,
} from '@ledger/payments-domain';
import type { PaymentFacts, WebhookAction } from '../mapping/intent';
import { planCommands } from './plan-commands';

const now = new Date('2025-01-01T00:00:00Z');
const delivery = { paymentId: 'pay_1', provider: 'stripe' as const, now };
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
  const commands = planCommands(intent(action, withFacts), { state: foldPayment(history) }, delivery);
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

    it('walks a failed attempt through processing', () => {
      expect(run([], { type: 'fail', errorCode: 'insufficient_funds' }).commands).toEqual([
        'CreatePayment',
        'StartProcessing',
        'RecordAttemptFailure',
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

    it('books a success after a failed attempt: the attempt did not end the payment', () => {
      const failed = run([], { type: 'fail', errorCode: 'insufficient_funds', attemptId: 'ch_1' }).events;
      const { commands, state } = run(failed, { type: 'succeed' });
      expect(commands).toEqual(['MarkPaymentSucceeded']);
      expect(state).toMatchObject({ status: 'succeeded', captured: 2000 });
    });

    it("leaves a success after the API's own failure to the state machine, which refuses it", () => {
      const created = run([], { type: 'processing' }).events;
      const failed = [
        ...created,
        ...decide({ type: 'MarkPaymentFailed', data: { paymentId: 'pay_1', errorCode: 'x' }, now }, foldPayment(created)),
      ];
      expect(() => run(failed, { type: 'succeed' })).toThrow(/Cannot MarkPaymentSucceeded a payment that is failed/);
    });
  });

  describe('refunds', () => {
    const refund = (refundId: string, amount: number, failed = false) => ({ refundId, amount, failed });

    it('counts a cumulative total once, and attributes it to the refund named later', () => {
      const first = run(succeededHistory(), { type: 'refunds', refunds: [], reportedTotal: 500 });
      expect(first.state.refunded).toBe(500);
      const named = run(first.events, { type: 'refunds', refunds: [refund('re_1', 500)] });
      expect(named.state.refunded).toBe(500);
      expect(named.events.at(-1)?.data).toMatchObject({ refundId: 're_1', providerRefundId: 're_1', amount: 500, counted: 0 });
      const second = run(named.events, { type: 'refunds', refunds: [refund('re_1', 500), refund('re_2', 300)], reportedTotal: 800 });
      expect(second.state.refunded).toBe(800);
      expect(run(second.events, { type: 'refunds', refunds: [refund('re_2', 300)], reportedTotal: 500 }).commands).toEqual([
        'ReportRefundTotal',
      ]);
    });

    it('never appends the same provider refund twice', () => {
      const once = run(succeededHistory(), { type: 'refunds', refunds: [refund('re_1', 500)] });
      expect(run(once.events, { type: 'refunds', refunds: [refund('re_1', 500)] }).commands).toEqual([]);
    });

    it('reverses a refund the provider reports as failed, once', () => {
      const once = run(succeededHistory(), { type: 'refunds', refunds: [refund('re_1', 500)] });
      const failed = run(once.events, { type: 'refunds', refunds: [refund('re_1', 500, true)] });
      expect(failed.state.refunded).toBe(0);
      expect(run(failed.events, { type: 'refunds', refunds: [refund('re_1', 500, true)] }).commands).toEqual([]);
      expect(run(failed.events, { type: 'refunds', refunds: [refund('re_1', 500)] }).commands).toEqual([]);
    });

    it('brings an unknown payment to success before refunding it', () => {
      expect(run([], { type: 'refunds', refunds: [refund('re_1', 500)], reportedTotal: 500 }).commands).toEqual([
        'CreatePayment',
        'StartProcessing',
        'MarkPaymentSucceeded',
        'RefundPayment',
        'ReportRefundTotal',
      ]);
    });
  });

  describe('disputes and fraud', () => {
    it('opens a dispute once', () => {
      const disputed = run(succeededHistory(), { type: 'dispute', disputeId: 'du_1', reason: 'fraudulent', amount: 2000 });
      expect(disputed.state.disputed).toBe(true);
      expect(run(disputed.events, { type: 'dispute', disputeId: 'du_1', reason: 'fraudulent' }).commands).toEqual([]);
    });

    it('closes a dispute, opening it first when its creation was never seen', () => {
      const lost = run(succeededHistory(), { type: 'dispute', disputeId: 'du_2', reason: 'fraudulent', amount: 2000, outcome: 'lost' });
      expect(lost.commands).toEqual(['OpenDispute', 'CloseDispute']);
      expect(lost.state.disputes.du_2).toMatchObject({ open: false, outcome: 'lost' });
      expect(run(lost.events, { type: 'dispute', disputeId: 'du_2', reason: 'fraudulent', outcome: 'lost' }).commands).toEqual([]);
    });

    it('flags fraud at any state', () => {
      expect(run(succeededHistory(), { type: 'flagFraud', reason: 'efw' }).commands).toEqual(['FlagFraud']);
      expect(run([], { type: 'flagFraud', reason: 'efw' }).commands).toEqual(['CreatePayment', 'FlagFraud']);
    });
  });
});
