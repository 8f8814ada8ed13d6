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

    it("the forged object's later refund, before or after the review, never walks our payment to a success nor counts", () => {
      const forgedUsd = payloads.paymentIntent(forged, 'succeeded', { amount: 1, amount_received: 1 });
      const held = stripe(apiPayment(9_900_000, 'USD'), 'payment_intent.succeeded', forgedUsd);
      const writtenOff: PaymentEvent = {
        type: 'PaymentMismatchReviewed',
        data: {
          paymentId: 'pay_1',
          mismatchId: 'payment:pi_forged',
          decision: 'write_off',
          note: 'n',
          stillOpen: 0,
          reviewedAt: now.toISOString(),
        },
      };
      for (const history of [held, [...held, writtenOff]]) {
        const events = stripe(history, 'refund.created', payloads.refundObject(forged, 're_forged', 1));
        expect(events).toHaveLength(history.length);
        expect(stateOf(events)).toMatchObject({ status: 'processing', captured: 0, refunded: 0 });
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
    it('a partial capture books what Stripe captured (amount_received), not what was authorised', () => {
      const ids = { paymentIntent: 'pi_p', charge: 'ch_p', paymentId: 'pay_1' };
      const events = stripe(
        apiPayment(2000, 'USD'),
        'payment_intent.succeeded',
        payloads.paymentIntent(ids, 'succeeded', { amount_received: 1500 }),
      );
      expect(events.at(-1)).toMatchObject({
        type: 'PaymentSucceeded',
        // Every provider reference in the event: the PaymentIntent and the charge that captured it.
        data: { amount: 1500, authorizedAmount: 2000, currency: 'USD', providerPaymentId: 'pi_p', providerChargeId: 'ch_p' },
      });
    });
  });

  describe('cases 3, 4, 7: disputes as Stripe reports them', () => {
    const ids = { paymentIntent: 'pi_dis', charge: 'ch_dis', paymentId: 'pay_1' };
    const succeeded = () => stripe([], 'payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded'));

    it('case 3: a dispute larger than the charge is booked as reported, with a mismatch (not dropped)', () => {
      const events = stripe(succeeded(), 'charge.dispute.created', payloads.dispute(ids, 2500));
      expect(types(events).slice(3)).toEqual(['PaymentDisputed', 'PaymentProviderMismatch']);
      expect(events[3].data).toMatchObject({ amount: 2500 });
      expect(events[4].data).toMatchObject({ subject: 'dispute', kind: 'amount', ours: { amount: 2000 }, provider: { amount: 2500 } });
    });

    it.each(['prevented', 'warning_closed', 'won'])(
      'case 7: charge.dispute.closed %s ends the dispute with nothing taken back',
      (status) => {
        const opened = stripe(succeeded(), 'charge.dispute.created', payloads.dispute(ids, 2000));
        const events = stripe(opened, 'charge.dispute.closed', { ...payloads.dispute(ids, 2000), status });
        expect(events.at(-1)).toMatchObject({ type: 'PaymentDisputeClosed', data: { outcome: status, amount: 2000 } });
        expect(stateOf(events).disputes).toMatchObject({ dp_1MtJUT2eZvKYlo2CNaw2HvEv: { open: false, outcome: status } });
      },
    );

    it.each(['warning_needs_response', 'warning_under_review', 'needs_response', 'under_review'])(
      'charge.dispute.updated %s keeps the dispute open',
      (status) => {
        const opened = stripe(succeeded(), 'charge.dispute.created', payloads.dispute(ids, 2000));
        const events = stripe(opened, 'charge.dispute.updated', { ...payloads.dispute(ids, 2000), status });
        expect(events).toHaveLength(opened.length);
      },
    );

    it("case 4: Stripe's report of a dispute opened through the API links to it, and Stripe's close ends it", () => {
      const apiDispute: PaymentEvent = {
        type: 'PaymentDisputed',
        data: {
          paymentId: 'pay_1',
          disputeId: 'our_dispute',
          reason: 'fraudulent',
          amount: 2000,
          currency: 'USD',
          disputedAt: now.toISOString(),
        },
      };
      for (const order of [['created', 'closed'], ['closed']]) {
        let events = [...succeeded(), apiDispute];
        for (const step of order) {
          const type = step === 'created' ? 'charge.dispute.created' : 'charge.dispute.closed';
          events = stripe(events, type, { ...payloads.dispute(ids, 2000), status: step === 'created' ? 'needs_response' : 'lost' });
        }
        expect(types(events).slice(4)).toEqual(['PaymentDisputeLinked', 'PaymentDisputeClosed']);
        expect(stateOf(events).disputes.our_dispute).toMatchObject({
          open: false,
          outcome: 'lost',
          providerDisputeId: 'dp_1MtJUT2eZvKYlo2CNaw2HvEv',
        });
      }
    });
  });

  it('case 6: first seen in charge.refunded a day later, the success is dated when Stripe made the charge, not on the refund day', () => {
    const ids = { paymentIntent: 'pi_late', charge: 'ch_late', paymentId: 'pay_1' };
    const refundedCharge = payloads.refundedCharge(ids, [{ id: 're_late', amount: 500 }]);
    const events = deliver([], mapStripeEvent(payloads.stripeEvent('evt_1', 'charge.refunded', refundedCharge, 1_700_086_400)));
    expect(types(events)).toEqual(['PaymentCreated', 'PaymentProcessing', 'PaymentSucceeded', 'PaymentRefunded']);
    expect(events.find((e) => e.type === 'PaymentSucceeded')?.data).toMatchObject({
      succeededAt: new Date(1_700_000_001_000).toISOString(),
    });
  });

  describe("Paystack's refund.pending, refund.processing, refund.failed", () => {
    const paid = () => paystack([], payloads.chargeSuccess('ref_rf'));
    const refund = (event: string, status: string) => {
      const body = payloads.refundProcessed('ref_rf', 'rfnd_1', 3000) as { data: Record<string, unknown> };
      return { event, data: { ...body.data, status } };
    };

    it('pending and processing book nothing: the refund counts when processed', () => {
      for (const [event, status] of [
        ['refund.pending', 'pending'],
        ['refund.processing', 'processing'],
      ]) {
        expect(mapPaystackEvent(refund(event, status), 'd')).toEqual({ kind: 'ignored', eventType: event });
      }
    });

    it('a failed refund counted before is taken back; in the other order it never counts; delivered twice, once', () => {
      const processedFirst = paystack(
        paystack(paystack(paid(), refund('refund.processed', 'processed')), refund('refund.failed', 'failed')),
        refund('refund.failed', 'failed'),
      );
      expect(types(processedFirst).slice(3)).toEqual(['PaymentRefunded', 'PaymentRefundReversed']);
      expect(stateOf(processedFirst).refunded).toBe(0);
      const failedFirst = paystack(paystack(paid(), refund('refund.failed', 'failed')), refund('refund.processed', 'processed'));
      expect(types(failedFirst).slice(3)).toEqual(['PaymentRefundReversed']);
      expect(stateOf(failedFirst).refunded).toBe(0);
    });
  });
});
