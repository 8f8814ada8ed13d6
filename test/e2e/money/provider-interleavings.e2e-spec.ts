import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { alertSettingsFromConfig, createAlertHook } from '@ledger/monitoring';
import { loadConfig } from '@ledger/platform';
import * as payloads from '../../../libs/provider-webhooks/src/testing';
import { alertReadModels } from '@ledger/projections';
import { call } from '../../support/api-harness';
import { ledger } from '../cli/support/cli';
import { postPaystack, postStripe } from '../webhooks/support/webhook-harness';
import { evt, startMoneyHarness, tail, type MoneyHarness } from './support';

/**
 * Issue 28, "Done when": random interleavings of API commands and provider webhooks, Stripe's and Paystack's
 * (retries after failures, partial captures, duplicates, reorderings, forged amounts, currency mismatches, disputes
 * over the charge, refunds that fail) for the same payments; after each run every read model equals audit verify's independent fold, refunds plus losses never pass
 * the capture without a mismatch event, every mismatch raised exactly one alert, no forged amount reached success.
 */
const AMOUNT = 10_000;

type Step = { kind: 'api'; path: string; body: unknown } | { kind: 'stripe' | 'paystack'; event: Record<string, unknown> };

const stepArb = fc.constantFrom(
  'fail',
  'succeed',
  'partial',
  'forgedAmount',
  'forgedCurrency',
  'refundApi',
  'refundStripe',
  'refundListed',
  'disputeApi',
  'disputeStripe',
  'disputeOver',
  'closeLost',
  'closeWon',
  'closePrevented',
);
const scenarioArb = fc.record({
  provider: fc.constantFrom('stripe', 'paystack'),
  viaApi: fc.boolean(),
  /** What a person decides on each mismatch holding the payment, in turn. */
  reviews: fc.array(fc.constantFrom('accept_provider', 'refund', 'write_off'), { minLength: 1, maxLength: 3 }),
  steps: fc.array(stepArb, { minLength: 2, maxLength: 9 }),
  duplicates: fc.array(fc.nat(20), { maxLength: 3 }),
  order: fc.array(fc.nat(1000), { minLength: 12, maxLength: 12 }),
});

type Scenario = { provider: string; viaApi: boolean; steps: string[]; duplicates: number[]; order: number[]; reviews: string[] };

function stepsOf(paymentId: string, scenario: Scenario): Step[] {
  const out = scenario.provider === 'paystack' ? paystackSteps(paymentId, scenario) : stripeSteps(paymentId, scenario);
  // Duplicates (the same delivery again) and a reordering of everything after the first step.
  const withDuplicates = [...out, ...scenario.duplicates.map((i) => out[i % out.length])];
  const [first, ...rest] = withDuplicates;
  const keyed = rest.map((step, i) => ({ step, key: scenario.order[i % scenario.order.length] * 100 + i }));
  return [first, ...keyed.sort((a, b) => a.key - b.key).map((k) => k.step)];
}

/**
 * The same steps as Paystack reports them (NGN in kobo): charge.success (the transaction carries our payment id in its
 * metadata), refund.processed and refund.failed by refund_reference, charge.dispute.create and .resolve. Paystack
 * reports no failed attempt, no partial capture and no prevented dispute: those steps send nothing.
 */
/** Paystack's ids of the disputes over the charge: one each, never another transaction's. */
let paystackDisputeIds = 900_000_000;

function paystackSteps(paymentId: string, scenario: Scenario): Step[] {
  const reference = `ref_${tail()}`;
  const paystack = (event: Record<string, unknown>): Step => ({ kind: 'paystack', event });
  const charge = (ref: string, extra: Record<string, unknown>) => payloads.chargeSuccess(ref, { metadata: { paymentId }, ...extra });
  const withOurTransaction = (event: Record<string, unknown>, id?: number) => {
    const data = event.data as Record<string, unknown>;
    const transaction = { ...(data.transaction as Record<string, unknown>), amount: AMOUNT, metadata: { paymentId } };
    return { ...event, data: { ...data, transaction, ...(id === undefined ? {} : { id }) } };
  };
  const overId = (paystackDisputeIds += 1);
  const out: Step[] = [];
  if (scenario.viaApi)
    out.push({ kind: 'api', path: '/v1/payments', body: { paymentId, provider: 'paystack', amount: AMOUNT, currency: 'NGN' } });
  else out.push(paystack(charge(reference, { amount: AMOUNT })));
  for (const step of scenario.steps) {
    const forged = `ref_forged_${tail()}`;
    switch (step) {
      case 'succeed':
        out.push(paystack(charge(reference, { amount: AMOUNT })));
        break;
      case 'forgedAmount':
        out.push(paystack(charge(forged, { amount: 1 })));
        break;
      case 'forgedCurrency':
        out.push(paystack(charge(forged, { amount: 1, currency: 'GHS' })));
        break;
      case 'refundApi':
        out.push({ kind: 'api', path: `/v1/payments/${paymentId}/refunds`, body: { amount: 2_000 } });
        break;
      case 'refundStripe':
        out.push(paystack(payloads.refundProcessed(reference, `rf_${tail()}`, 3_000)));
        break;
      case 'refundListed': {
        // A refund Paystack processed, then reported failed (in either order once reordered).
        const refundReference = `rf_${tail()}`;
        out.push(paystack(payloads.refundProcessed(reference, refundReference, 2_500)));
        out.push(paystack(payloads.refundFailed(reference, refundReference, 2_500)));
        break;
      }
      case 'disputeApi':
        out.push({ kind: 'api', path: `/v1/payments/${paymentId}/disputes`, body: { reason: 'fraudulent' } });
        break;
      case 'disputeStripe':
        out.push(paystack(withOurTransaction(payloads.disputeCreated(reference, AMOUNT))));
        break;
      case 'disputeOver':
        out.push(paystack(withOurTransaction(payloads.disputeCreated(reference, AMOUNT + 2_500), overId)));
        break;
      case 'closeLost':
        out.push(paystack(withOurTransaction(payloads.disputeResolved(reference, AMOUNT, 'merchant-accepted'))));
        break;
      case 'closeWon':
        out.push(paystack(withOurTransaction(payloads.disputeResolved(reference, AMOUNT, 'declined'))));
        break;
      default:
        break;
    }
  }
  return out;
}

function stripeSteps(paymentId: string, scenario: Scenario): Step[] {
  const pi = `pi_${tail()}`;
  const ids = (charge = `ch_${tail()}`) => ({ paymentIntent: pi, charge, paymentId });
  const stripe = (type: string, object: Record<string, unknown>): Step => ({
    kind: 'stripe',
    event: payloads.stripeEvent(evt(), type, object),
  });
  const dp = `dp_${tail()}`;
  const dispute = (status: string, amount = AMOUNT) => ({ ...payloads.dispute(ids(), amount), id: dp, status });
  const out: Step[] = [];
  if (scenario.viaApi)
    out.push({ kind: 'api', path: '/v1/payments', body: { paymentId, provider: 'stripe', amount: AMOUNT, currency: 'USD' } });
  else out.push(stripe('payment_intent.created', payloads.paymentIntent(ids(), 'requires_payment_method', { amount: AMOUNT })));
  for (const step of scenario.steps) {
    const forged = { paymentIntent: `pi_forged_${tail()}`, charge: `ch_${tail()}`, paymentId };
    switch (step) {
      case 'fail':
        out.push(stripe('payment_intent.payment_failed', { ...payloads.declinedIntent(ids()), amount: AMOUNT }));
        break;
      case 'succeed':
        out.push(
          stripe('payment_intent.succeeded', payloads.paymentIntent(ids(), 'succeeded', { amount: AMOUNT, amount_received: AMOUNT })),
        );
        break;
      case 'partial':
        out.push(
          stripe('payment_intent.succeeded', payloads.paymentIntent(ids(), 'succeeded', { amount: AMOUNT, amount_received: 7_000 })),
        );
        break;
      case 'forgedAmount':
        out.push(stripe('payment_intent.succeeded', payloads.paymentIntent(forged, 'succeeded', { amount: 1, amount_received: 1 })));
        break;
      case 'forgedCurrency':
        out.push(
          stripe(
            'payment_intent.succeeded',
            payloads.paymentIntent(forged, 'succeeded', { amount: 1, amount_received: 1, currency: 'jpy' }),
          ),
        );
        break;
      case 'refundApi':
        out.push({ kind: 'api', path: `/v1/payments/${paymentId}/refunds`, body: { amount: 2_000 } });
        break;
      case 'refundStripe':
        out.push(stripe('refund.created', payloads.refundObject(ids(), `re_${tail()}`, 3_000)));
        break;
      case 'refundListed': {
        const charge = payloads.refundedCharge(ids(), [{ id: `re_${tail()}`, amount: 2_500 }]);
        out.push(stripe('charge.refunded', { ...charge, amount: AMOUNT, amount_captured: AMOUNT }));
        break;
      }
      case 'disputeApi':
        out.push({ kind: 'api', path: `/v1/payments/${paymentId}/disputes`, body: { reason: 'fraudulent' } });
        break;
      case 'disputeStripe':
        out.push(stripe('charge.dispute.created', dispute('needs_response')));
        break;
      case 'disputeOver':
        out.push(stripe('charge.dispute.created', { ...dispute('warning_needs_response', AMOUNT + 2_500), id: `dp_${tail()}` }));
        break;
      case 'closeLost':
        out.push(stripe('charge.dispute.closed', dispute('lost')));
        break;
      case 'closeWon':
        out.push(stripe('charge.dispute.closed', dispute('won')));
        break;
      default:
        out.push(stripe('charge.dispute.closed', dispute('prevented')));
    }
  }
  return out;
}

describe('Money as providers move it: random interleavings of API commands and provider webhooks', () => {
  let h: MoneyHarness;
  beforeAll(async () => {
    h = await startMoneyHarness({
      onBatch: { ledger: createAlertHook(alertSettingsFromConfig(loadConfig({ NODE_ENV: 'test' })), alertReadModels) },
    });
  });
  afterAll(() => h.close());

  const send = async (step: Step) => {
    const res =
      step.kind === 'api'
        ? await call(h.api, 'POST', step.path, {
            key: h.api.keys['payments:write'],
            headers: { 'idempotency-key': randomUUID() },
            body: step.body,
          })
        : step.kind === 'stripe'
          ? await postStripe(h.api, step.event)
          : await postPaystack(h.api, step.event);
    // Never a 5xx; a refusal is a decided 4xx (charge_disputed, invalid_state_transition, …), appending nothing.
    expect(res.status).toBeLessThan(500);
  };

  const streamOf = async (paymentId: string) =>
    (
      await h.api.db.pool.query<{ type: string; data: any; event_id: string }>(
        `SELECT event_type AS type, data, event_id FROM event_store.events WHERE stream_id = $1 ORDER BY revision`,
        [`payment-${paymentId}`],
      )
    ).rows;

  it('keeps the books right after every run', async () => {
    const seen = new Map<string, number>();
    const see = (type: string) => seen.set(type, (seen.get(type) ?? 0) + 1);
    await fc.assert(
      fc.asyncProperty(fc.array(scenarioArb, { minLength: 1, maxLength: 3 }), async (scenarios) => {
        const paymentIds = scenarios.map(() => `pay_${tail()}`);
        // The payments' deliveries interleaved: one step of each in turn.
        const queues = scenarios.map((s, i) => stepsOf(paymentIds[i], s));
        while (queues.some((q) => q.length > 0)) await Promise.all(queues.map(async (q) => q.length > 0 && send(q.shift()!)));
        // A person settles what holds a payment in needs_review, one mismatch a turn (a run can hold one with five or more):
        // the scenario's decisions, then write_off; accepting an amount in another currency is refused (409).
        for (const [i, paymentId] of paymentIds.entries()) {
          for (let turn = 0; turn < 20; turn++) {
            const view = await call(h.api, 'GET', `/v1/payments/${paymentId}`, { key: h.api.keys['payments:read'] });
            if (view.body?.status !== 'needs_review') break;
            const decision = turn >= 3 ? 'write_off' : scenarios[i].reviews[turn % scenarios[i].reviews.length];
            const res = await call(h.api, 'POST', `/v1/payments/${paymentId}/review`, {
              key: h.api.keys.admin,
              headers: { 'idempotency-key': randomUUID() },
              body: { decision, note: 'property test' },
            });
            expect([200, 409]).toContain(res.status);
          }
          const after = await call(h.api, 'GET', `/v1/payments/${paymentId}`, { key: h.api.keys['payments:read'] });
          if (after.status === 200) expect(after.body.status).not.toBe('needs_review');
        }
        await h.settle();

        for (const paymentId of paymentIds) {
          const stream = await streamOf(paymentId);
          if (stream.length === 0) continue;
          stream.forEach((e) => {
            const type = e.type === 'PaymentMismatchReviewed' ? `reviewed:${e.data.decision}` : e.type;
            see(type);
            see(`${stream[0].data.provider}:${type}`);
          });
          const success = stream.find((e) => e.type === 'PaymentSucceeded');
          const mismatches = stream.filter((e) => e.type === 'PaymentProviderMismatch');
          // No forged amount ever reaches succeeded unless a person accepted it, and nothing is booked in another currency.
          const accepted = stream.some(
            (e) =>
              e.type === 'PaymentMismatchReviewed' &&
              e.data.decision === 'accept_provider' &&
              e.data.mismatchId === `payment:${success?.data.providerPaymentId}`,
          );
          if (!accepted) expect(String(success?.data.providerPaymentId ?? '')).not.toMatch(/^(pi|ref)_forged/);
          if (success) expect(success.data.currency).toBe(stream[0].data.currency);
          // Refunds plus dispute losses above the capture only with a mismatch that says so.
          const captured = Number(success?.data.amount ?? 0);
          const refunded = Number([...stream].reverse().find((e) => typeof e.data.totalRefunded === 'number')?.data.totalRefunded ?? 0);
          const losses = stream
            .filter((e) => e.type === 'PaymentDisputeClosed' && e.data.outcome === 'lost')
            .reduce((s, e) => s + Number(e.data.amount), 0);
          expect(refunded).toBeLessThanOrEqual(captured);
          if (refunded + losses > captured) expect(mismatches.some((m) => m.data.kind === 'amount')).toBe(true);
          // Every mismatch raised exactly one alert.
          const { rows } = await h.api.db.pool.query<{ key: string }>(
            `SELECT payload->>'key' AS key FROM monitoring.alert_outbox WHERE payload->>'rule' = 'provider_mismatch' AND payload->'details'->>'paymentId' = $1`,
            [paymentId],
          );
          expect(rows.map((r) => r.key).sort()).toEqual(mismatches.map((m) => `provider_mismatch|${paymentId}|${m.event_id}`).sort());
        }
        // Every read model equals an independent fold of the events.
        const verify = await ledger(['audit', 'verify'], { DATABASE_URL: h.api.db.url });
        expect({ code: verify.code, out: verify.stdout.slice(-1500) }).toMatchObject({ code: 0 });
      }),
      {
        numRuns: 25,
        // Besides the random runs, one that certainly reaches a person accepting a provider's other amount.
        examples: [
          [
            [
              {
                provider: 'stripe',
                viaApi: true,
                reviews: ['accept_provider'],
                steps: ['fail', 'forgedAmount', 'refundStripe', 'disputeOver', 'closeLost'],
                duplicates: [1],
                order: Array(12).fill(0),
              },
            ],
          ],
          // And the same through Paystack, with a refund that fails.
          [
            [
              {
                provider: 'paystack',
                viaApi: true,
                reviews: ['accept_provider'],
                steps: ['succeed', 'forgedAmount', 'refundStripe', 'refundListed', 'disputeOver', 'closeLost'],
                duplicates: [1],
                order: Array(12).fill(0),
              },
            ],
          ],
        ],
      },
    );
    // The runs went where the cases are: attempts, captures, forged amounts, disputes over the charge.
    for (const type of [
      'PaymentAttemptFailed',
      'PaymentSucceeded',
      'PaymentProviderMismatch',
      'reviewed:accept_provider',
      'reviewed:write_off',
      'PaymentRefunded',
      'PaymentDisputed',
      'PaymentDisputeClosed',
      'paystack:PaymentSucceeded',
      'paystack:PaymentProviderMismatch',
      'paystack:PaymentRefunded',
      'paystack:PaymentRefundReversed',
      'paystack:PaymentDisputed',
      'paystack:PaymentDisputeClosed',
    ])
      expect({ type, seen: (seen.get(type) ?? 0) > 0 }).toEqual({ type, seen: true });
  });
});
