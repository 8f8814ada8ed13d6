import { decide, evolve, foldPayment, initialState, paymentStatus, type PaymentEvent, type PaymentState } from '@ledger/payments-domain';
import { mapPaystackEvent } from '../mapping/paystack';
import { mapStripeEvent } from '../mapping/stripe';
import type { WebhookIntent } from '../mapping/intent';
import * as payloads from '../testing';
import { planCommands } from './plan-commands';

type Json = Record<string, unknown>;
const now = new Date('2023-11-14T22:20:00Z');

/** Delivers one mapped provider event to the payment as its events stand, through the real planner and decider. */
function deliver(history: PaymentEvent[], intent: WebhookIntent, provider: 'stripe' | 'paystack' = 'stripe'): PaymentEvent[] {
  if (intent.kind !== 'payment') return history;
  const commands = planCommands(intent, { state: foldPayment(history) }, { paymentId: 'pay_1', provider, now });
  return commands.reduce<PaymentEvent[]>((all, c) => [...all, ...decide(c, foldPayment(all))], history);
}
const stripe = (history: PaymentEvent[], type: string, object: Json) =>
  deliver(history, mapStripeEvent(payloads.stripeEvent('evt_1', type, object)));
const paystack = (history: PaymentEvent[], body: Json) => deliver(history, mapPaystackEvent(body, 'd1'), 'paystack');
const stateOf = (events: PaymentEvent[]): PaymentState => events.reduce(evolve, initialState());
const types = (events: PaymentEvent[]) => events.map((e) => e.type);

/** A payment our API created and started, as the checkout service does before it confirms with the provider. */
const apiPayment = (amount: number, currency: string, provider: 'stripe' | 'paystack' = 'stripe'): PaymentEvent[] => [
  { type: 'PaymentCreated', data: { paymentId: 'pay_1', provider, amount, currency, createdAt: now.toISOString() } },
  { type: 'PaymentProcessing', data: { paymentId: 'pay_1', startedAt: now.toISOString() } },
];

describe('Money as providers move it (provider shapes through the planner and the decider)', () => {
  describe('case 1: a Stripe payment that succeeds on a retry', () => {
    const ids = { paymentIntent: 'pi_retry', charge: 'ch_first', paymentId: 'pay_1' };
    const second = { ...ids, charge: 'ch_second' };

    it('records the failed attempt, then books the success, the charge and the refund', () => {
      let events = stripe([], 'payment_intent.created', payloads.paymentIntent(ids, 'requires_payment_method'));
      events = stripe(events, 'payment_intent.payment_failed', payloads.declinedIntent(ids));
      expect(paymentStatus(stateOf(events))).toBe('failed');
      // Stripe's charge.failed about the same charge is the same attempt.
      events = stripe(events, 'charge.failed', payloads.charge(ids, { status: 'failed', failure_code: 'card_declined', captured: false }));
      events = stripe(events, 'payment_intent.succeeded', payloads.paymentIntent(second, 'succeeded'));
      events = stripe(events, 'charge.succeeded', payloads.charge(second));
      events = stripe(events, 'refund.created', payloads.refundObject(second, 're_1', 500));
      expect(types(events)).toEqual(['PaymentCreated', 'PaymentProcessing', 'PaymentAttemptFailed', 'PaymentSucceeded', 'PaymentRefunded']);
      expect(events[2].data).toMatchObject({ attemptId: 'ch_first', errorCode: 'insufficient_funds' });
      expect(stateOf(events)).toMatchObject({ status: 'succeeded', captured: 2000, refunded: 500 });
    });

    it('in the other order (the success first), the late failure is stale and records nothing', () => {
      let events = stripe([], 'payment_intent.succeeded', payloads.paymentIntent(second, 'succeeded'));
      events = stripe(events, 'payment_intent.payment_failed', payloads.declinedIntent(ids));
      expect(types(events)).toEqual(['PaymentCreated', 'PaymentProcessing', 'PaymentSucceeded']);
    });
  });

  describe('case 2: a webhook amount or currency that is not the payment', () => {
    const forged = { paymentIntent: 'pi_forged', charge: 'ch_forged', paymentId: 'pay_1' };
    const yen = payloads.paymentIntent(forged, 'succeeded', { amount: 1, amount_received: 1, currency: 'jpy' });

    it('a correctly signed ¥1 success for a 99,000 USD payment is a mismatch with both sides, never a success', () => {
      const events = stripe(apiPayment(9_900_000, 'USD'), 'payment_intent.succeeded', yen);
      expect(types(events).slice(2)).toEqual(['PaymentProviderMismatch']);
      expect(events[2].data).toMatchObject({
        mismatchId: 'payment:pi_forged',
        subject: 'payment',
        kind: 'currency',
        holds: true,
        ours: { amount: 9_900_000, currency: 'USD' },
        provider: { amount: 1, currency: 'JPY', references: ['pi_forged'] },
        eventType: 'payment_intent.succeeded',
      });
      const state = stateOf(events);
      expect(paymentStatus(state)).toBe('needs_review');
      expect(state.captured).toBe(0);
    });

    it('delivered twice, and its charge.succeeded too: still one mismatch', () => {
      let events = stripe(apiPayment(9_900_000, 'USD'), 'payment_intent.succeeded', yen);
      events = stripe(events, 'payment_intent.succeeded', yen);
      events = stripe(events, 'charge.succeeded', payloads.charge(forged, { amount: 1, amount_captured: 1, currency: 'jpy' }));
      expect(types(events).filter((t) => t === 'PaymentProviderMismatch')).toHaveLength(1);
      expect(types(events)).not.toContain('PaymentSucceeded');
    });

    it('the real success, before or after the forged one, is booked at what Stripe captured; the forged one still waits for review', () => {
      const real = payloads.paymentIntent({ ...forged, paymentIntent: 'pi_real' }, 'succeeded', {
        amount: 9_900_000,
        amount_received: 9_900_000,
      });
      const forgedFirst = stripe(stripe(apiPayment(9_900_000, 'USD'), 'payment_intent.succeeded', yen), 'payment_intent.succeeded', real);
      const realFirst = stripe(stripe(apiPayment(9_900_000, 'USD'), 'payment_intent.succeeded', real), 'payment_intent.succeeded', yen);
      for (const events of [forgedFirst, realFirst]) {
        expect(types(events).sort()).toEqual(['PaymentCreated', 'PaymentProcessing', 'PaymentProviderMismatch', 'PaymentSucceeded'].sort());
        expect(events.find((e) => e.type === 'PaymentSucceeded')?.data).toMatchObject({ amount: 9_900_000, currency: 'USD' });
        expect(paymentStatus(stateOf(events))).toBe('needs_review');
      }
    });

    it('Paystack charge.success with amount 100 for a 500,000 NGN payment is a mismatch, not a success', () => {
      const body = payloads.chargeSuccess('ref_forged', { amount: 100, metadata: { paymentId: 'pay_1' } });
      const events = paystack(apiPayment(50_000_000, 'NGN', 'paystack'), body);
      expect(types(events).slice(2)).toEqual(['PaymentProviderMismatch']);
      expect(events[2].data).toMatchObject({
        kind: 'amount',
        ours: { amount: 50_000_000, currency: 'NGN' },
        provider: { amount: 100, currency: 'NGN' },
      });
      expect(paymentStatus(stateOf(paystack(events, body)))).toBe('needs_review');
    });

    it('a refund in another currency than the payment is a mismatch and is not counted', () => {
      const ids = { paymentIntent: 'pi_r', charge: 'ch_r', paymentId: 'pay_1' };
      const succeeded = stripe([], 'payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded'));
      const events = stripe(succeeded, 'refund.created', { ...payloads.refundObject(ids, 're_eur', 500), currency: 'eur' });
      expect(types(events).at(-1)).toBe('PaymentProviderMismatch');
      expect(events.at(-1)?.data).toMatchObject({
        subject: 'refund',
        mismatchId: 'refund:re_eur',
        holds: false,
        provider: { amount: 500, currency: 'EUR' },
      });
      expect(stateOf(events)).toMatchObject({ status: 'succeeded', refunded: 0 });
    });

    it('a dispute in another currency than the payment is a mismatch and is not counted', () => {
      const ids = { paymentIntent: 'pi_d', charge: 'ch_d', paymentId: 'pay_1' };
      const succeeded = stripe([], 'payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded'));
      const events = stripe(succeeded, 'charge.dispute.created', { ...payloads.dispute(ids, 2000), currency: 'gbp' });
      expect(types(events).at(-1)).toBe('PaymentProviderMismatch');
      expect(stateOf(events).disputed).toBe(false);
    });
  });
});
