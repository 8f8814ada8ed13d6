import { randomUUID } from 'node:crypto';
import { alertSettingsFromConfig, createAlertHook } from '@ledger/monitoring';
import { loadConfig } from '@ledger/platform';
import { alertReadModels } from '@ledger/projections';
import * as payloads from '../../../libs/provider-webhooks/src/testing';
import { call } from '../../support/api-harness';
import { GOOD_SECRETS, ledger } from '../cli/support/cli';
import { eventsOf, paymentIdFor, postPaystack, postStripe } from '../webhooks/support/webhook-harness';
import { evt, startMoneyHarness, tail, type MoneyHarness } from './support';

/** CONTRACT.md › "Money as providers move it": provider facts that contradict the books, over HTTP. */
describe('Provider facts that contradict the books', () => {
  let h: MoneyHarness;
  beforeAll(async () => {
    h = await startMoneyHarness({
      onBatch: { ledger: createAlertHook(alertSettingsFromConfig(loadConfig({ NODE_ENV: 'test' })), alertReadModels) },
    });
  });
  afterAll(() => h.close());

  const createdByApi = async (provider: 'stripe' | 'paystack', amount: number, currency: string) => {
    const paymentId = `pay_${tail()}`;
    const key = h.api.keys['payments:write'];
    const created = await call(h.api, 'POST', '/v1/payments', {
      key,
      headers: { 'idempotency-key': randomUUID() },
      body: { paymentId, provider, amount, currency },
    });
    expect(created.status).toBe(201);
    const started = await call(h.api, 'POST', `/v1/payments/${paymentId}/processing`, {
      key,
      headers: { 'idempotency-key': randomUUID() },
      body: {},
    });
    expect(started.status).toBe(200);
    return paymentId;
  };
  const payment = async (paymentId: string) =>
    (await call(h.api, 'GET', `/v1/payments/${paymentId}`, { key: h.api.keys['payments:read'] })).body;
  const review = (paymentId: string, decision: string, key = h.api.keys.admin) =>
    call(h.api, 'POST', `/v1/payments/${paymentId}/review`, {
      key,
      headers: { 'idempotency-key': randomUUID() },
      body: { decision, note: 'checked in the provider dashboard' },
    });
  const alertsFor = async (paymentId: string) =>
    (
      await h.api.db.pool.query(
        `SELECT payload FROM monitoring.alert_outbox WHERE payload->>'rule' = 'provider_mismatch' AND payload->'details'->>'paymentId' = $1`,
        [paymentId],
      )
    ).rows.map((r) => r.payload);

  it('case 2: a signed ¥1 Stripe success carrying our payment id is a mismatch, never a 99,000 USD success; delivered twice, one alert', async () => {
    const paymentId = await createdByApi('stripe', 9_900_000, 'USD');
    const ids = { paymentIntent: `pi_${tail()}`, charge: `ch_${tail()}`, paymentId };
    const forged = payloads.stripeEvent(
      evt(),
      'payment_intent.succeeded',
      payloads.paymentIntent(ids, 'succeeded', { amount: 1, amount_received: 1, currency: 'jpy' }),
    );
    for (let i = 0; i < 2; i++) expect((await postStripe(h.api, forged)).status).toBe(200);
    const charge = payloads.charge(ids, { amount: 1, amount_captured: 1, currency: 'jpy' });
    expect((await postStripe(h.api, payloads.stripeEvent(evt(), 'charge.succeeded', charge))).status).toBe(200);
    await h.settle();

    const events = await eventsOf(h.api, paymentId);
    expect(events.map((e) => e.type)).toEqual(['PaymentCreated', 'PaymentProcessing', 'PaymentProviderMismatch']);
    expect(events[2].data).toMatchObject({
      kind: 'currency',
      holds: true,
      ours: { amount: 9_900_000, currency: 'USD' },
      provider: { amount: 1, currency: 'JPY', references: [ids.paymentIntent] },
    });
    expect(await payment(paymentId)).toMatchObject({ status: 'needs_review', refundedAmount: 0 });
    const alerts = await alertsFor(paymentId);
    expect(alerts).toEqual([expect.objectContaining({ rule: 'provider_mismatch', provider: 'stripe', severity: 'critical' })]);
    const metrics = await h.queries.metrics({ provider: 'stripe' });
    expect(metrics.volumes.find((v) => v.currency === 'JPY')).toBeUndefined();
    expect(metrics.counts.needsReview).toBeGreaterThanOrEqual(1);

    // Only an admin settles it; a yen amount cannot be accepted as a dollar payment; writing it off books nothing.
    expect((await review(paymentId, 'write_off', h.api.keys['payments:write'])).status).toBe(403);
    expect(await review(paymentId, 'accept_provider')).toMatchObject({ status: 409, body: { error: { code: 'currency_mismatch' } } });
    expect(await review(paymentId, 'write_off')).toMatchObject({ status: 200, body: { status: 'processing' } });
    expect((await review(paymentId, 'write_off')).body).toMatchObject({ error: { code: 'nothing_to_review' } });
  });

  it('case 2: Paystack charge.success of 100 kobo on a 500,000 NGN payment is held; accept_provider books the 100 captured', async () => {
    const paymentId = await createdByApi('paystack', 50_000_000, 'NGN');
    const reference = `ref_${tail()}`;
    const body = payloads.chargeSuccess(reference, { id: Number(Date.now() % 1e9), amount: 100, metadata: { paymentId } });
    for (let i = 0; i < 2; i++) expect((await postPaystack(h.api, body)).status).toBe(200);
    expect(await payment(paymentId)).toMatchObject({ status: 'needs_review' });
    expect(await review(paymentId, 'accept_provider')).toMatchObject({ status: 200, body: { status: 'succeeded' } });
    await h.settle();
    expect((await eventsOf(h.api, paymentId)).map((e) => e.type)).toEqual([
      'PaymentCreated',
      'PaymentProcessing',
      'PaymentProviderMismatch',
      'PaymentMismatchReviewed',
      'PaymentSucceeded',
    ]);
    const { rows } = await h.api.db.pool.query(`SELECT status, captured_amount FROM read_models.payments WHERE payment_id = $1`, [
      paymentId,
    ]);
    expect(rows).toEqual([{ status: 'succeeded', captured_amount: '100' }]);
    expect(await alertsFor(paymentId)).toHaveLength(1);
  });

  it('case 11: a provider event id reused with another object is a mismatch on the first payment, not a new payment', async () => {
    const first = { paymentIntent: `pi_${tail()}`, charge: `ch_${tail()}` };
    const other = { paymentIntent: `pi_${tail()}`, charge: `ch_${tail()}` };
    const id = evt();
    await postStripe(h.api, payloads.stripeEvent(id, 'payment_intent.succeeded', payloads.paymentIntent(first, 'succeeded')));
    const reused = await postStripe(
      h.api,
      payloads.stripeEvent(id, 'payment_intent.succeeded', payloads.paymentIntent(other, 'succeeded')),
    );
    expect(reused.body).toEqual({ received: true, outcome: 'rejected' });
    expect(
      (await postStripe(h.api, payloads.stripeEvent(id, 'payment_intent.succeeded', payloads.paymentIntent(other, 'succeeded')))).status,
    ).toBe(200);
    await h.settle();
    const paymentId = (await paymentIdFor(h.api, 'stripe', first.paymentIntent))!;
    expect(await paymentIdFor(h.api, 'stripe', other.paymentIntent)).toBeUndefined();
    const events = await eventsOf(h.api, paymentId);
    expect(events.map((e) => e.type)).toEqual(['PaymentCreated', 'PaymentProcessing', 'PaymentSucceeded', 'PaymentProviderMismatch']);
    expect(events[3].data).toMatchObject({
      subject: 'event',
      kind: 'object',
      holds: false,
      provider: { references: [id, other.paymentIntent] },
    });
    expect(await payment(paymentId)).toMatchObject({ status: 'succeeded' });
    expect(await alertsFor(paymentId)).toHaveLength(1);
  });

  it('case 1: a Stripe payment that fails once and succeeds on a retry is succeeded, with its failed attempt counted apart', async () => {
    const ids = { paymentIntent: `pi_${tail()}`, charge: `ch_${tail()}`, paymentId: `pay_${tail()}` };
    const retry = { ...ids, charge: `ch_${tail()}` };
    const before = await h.queries.metrics({ provider: 'stripe', currency: 'EUR' });
    const eur = { currency: 'eur' };
    await postStripe(
      h.api,
      payloads.stripeEvent(evt(), 'payment_intent.created', payloads.paymentIntent(ids, 'requires_payment_method', eur)),
    );
    const failedIntent = { ...payloads.declinedIntent(ids), currency: 'eur' };
    expect((await postStripe(h.api, payloads.stripeEvent(evt(), 'payment_intent.payment_failed', failedIntent))).body.outcome).toBe(
      'handled',
    );
    const failedCharge = payloads.charge(ids, { ...eur, status: 'failed', failure_code: 'card_declined', captured: false, paid: false });
    expect((await postStripe(h.api, payloads.stripeEvent(evt(), 'charge.failed', failedCharge))).body.outcome).toBe('noop');
    expect(await payment(ids.paymentId)).toMatchObject({ status: 'failed', errorCode: 'insufficient_funds' });
    for (const [type, object] of [
      ['payment_intent.succeeded', payloads.paymentIntent(retry, 'succeeded', eur)],
      ['charge.succeeded', payloads.charge(retry, eur)],
      ['refund.created', { ...payloads.refundObject(retry, `re_${tail()}`, 500), ...eur }],
    ] as const) {
      const res = await postStripe(h.api, payloads.stripeEvent(evt(), type, object));
      expect({ type, body: res.body }).toEqual({
        type,
        body: { received: true, outcome: type === 'charge.succeeded' ? 'noop' : 'handled' },
      });
    }
    await h.settle();
    expect(await payment(ids.paymentId)).toMatchObject({ status: 'partially_refunded', refundedAmount: 500 });
    const after = await h.queries.metrics({ provider: 'stripe', currency: 'EUR' });
    expect(after.counts.succeeded - before.counts.succeeded).toBe(1);
    expect(after.counts.failed - before.counts.failed).toBe(0);
    expect(after.counts.failedAttempts - before.counts.failedAttempts).toBe(1);
    const volume = (m: typeof after) => BigInt(m.volumes.find((v) => v.currency === 'EUR')?.succeeded ?? '0');
    expect(volume(after) - volume(before)).toBe(2000n);
  });

  it('audit verify recomputes every read model from the events, mismatches and attempts included', async () => {
    await h.settle();
    const verify = await ledger(['audit', 'verify'], { DATABASE_URL: h.api.db.url });
    expect({ code: verify.code, out: verify.stdout.slice(-2000) }).toMatchObject({ code: 0 });

    // The audit report lists them for a person, both sides each.
    const report = await ledger(['audit', 'report', '--days', '30'], { DATABASE_URL: h.api.db.url, ...GOOD_SECRETS });
    expect(report.stdout).toContain('provider facts against the books');
    expect(report.stdout).toMatch(/payment \S+: event object: the provider reported USD 20\.00 \[evt_\w+ pi_\w+\], the books USD 20\.00/);
  });
});
