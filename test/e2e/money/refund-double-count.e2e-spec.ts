import { randomUUID } from 'node:crypto';
import { alertSettingsFromConfig, createAlertHook } from '@ledger/monitoring';
import { loadConfig } from '@ledger/platform';
import { alertReadModels } from '@ledger/projections';
import * as payloads from '../../../libs/provider-webhooks/src/testing';
import { call } from '../../support/api-harness';
import { eventsOf, postStripe } from '../webhooks/support/webhook-harness';
import { evt, startMoneyHarness, tail, type MoneyHarness } from './support';

/** Issue 28 case 5: API refunds without the provider's id, then Stripe's charge.refunded listing them in the same second. */
describe('Refunds recorded through the API without the provider id, then listed by Stripe', () => {
  let h: MoneyHarness;
  beforeAll(async () => {
    h = await startMoneyHarness({
      onBatch: { ledger: createAlertHook(alertSettingsFromConfig(loadConfig({ NODE_ENV: 'test' })), alertReadModels) },
    });
  });
  afterAll(() => h.close());

  it('are never counted twice: the names Stripe adds beyond its own total are mismatches (one alert each), delivered twice or not', async () => {
    const ids = { paymentIntent: `pi_${tail()}`, charge: `ch_${tail()}`, paymentId: `pay_${tail()}` };
    const intent = payloads.paymentIntent(ids, 'succeeded', { amount: 10_000, amount_received: 10_000 });
    await postStripe(h.api, payloads.stripeEvent(evt(), 'payment_intent.succeeded', intent));
    for (const amount of [3000, 2000]) {
      const res = await call(h.api, 'POST', `/v1/payments/${ids.paymentId}/refunds`, {
        key: h.api.keys['payments:write'],
        headers: { 'idempotency-key': randomUUID() },
        body: { amount },
      });
      expect(res.status).toBe(201);
    }
    // Stripe dates the refunds and the event to the whole second, which sorts before our milliseconds.
    const second = Math.floor(Date.now() / 1000);
    const listed = [
      { id: `re_${tail()}`, amount: 3000 },
      { id: `re_${tail()}`, amount: 2000 },
    ];
    const charge = payloads.refundedCharge(ids, listed) as { refunds: { data: Record<string, unknown>[] } };
    for (const r of charge.refunds.data) r.created = second;
    const report = payloads.stripeEvent(
      evt(),
      'charge.refunded',
      { ...charge, amount: 10_000, amount_captured: 10_000, refunded: false },
      second,
    );
    for (let i = 0; i < 2; i++) expect((await postStripe(h.api, report)).status).toBe(200);
    // Stripe's refund.created of one of them, later: already a mismatch, counted nothing.
    const single = { ...payloads.refundObject(ids, listed[0].id, 3000), created: second };
    expect((await postStripe(h.api, payloads.stripeEvent(evt(), 'refund.created', single, second))).body.outcome).toBe('noop');
    await h.settle();

    const view = (await call(h.api, 'GET', `/v1/payments/${ids.paymentId}`, { key: h.api.keys['payments:read'] })).body;
    expect(view).toMatchObject({ status: 'partially_refunded', refundedAmount: 5000 });
    const events = await eventsOf(h.api, ids.paymentId);
    const mismatches = events.filter((e) => e.type === 'PaymentProviderMismatch');
    expect(mismatches.map((e) => e.data.mismatchId).sort()).toEqual(listed.map((r) => `refund:${r.id}`).sort());
    expect(events.filter((e) => e.type === 'PaymentRefunded').map((e) => e.data.amount)).toEqual([3000, 2000]);
    const { rows } = await h.api.db.pool.query(
      `SELECT count(*)::int AS n FROM monitoring.alert_outbox WHERE payload->>'rule' = 'provider_mismatch' AND payload->'details'->>'paymentId' = $1`,
      [ids.paymentId],
    );
    expect(rows[0].n).toBe(2);
  });

  it('case 5, the other order: after Stripe listed a refund, an API refund without its id is refused (409), and with it counts once', async () => {
    const ids = { paymentIntent: `pi_${tail()}`, charge: `ch_${tail()}`, paymentId: `pay_${tail()}` };
    await postStripe(h.api, payloads.stripeEvent(evt(), 'payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded')));
    const re = `re_${tail()}`;
    const listed = payloads.refundedCharge(ids, [{ id: re, amount: 1_500 }]);
    for (let i = 0; i < 2; i++) expect((await postStripe(h.api, payloads.stripeEvent(evt(), 'charge.refunded', listed))).status).toBe(200);
    const refund = (body: object) =>
      call(h.api, 'POST', `/v1/payments/${ids.paymentId}/refunds`, {
        key: h.api.keys['payments:write'],
        headers: { 'idempotency-key': randomUUID() },
        body,
      });
    expect(await refund({ amount: 1_500 })).toMatchObject({ status: 409, body: { error: { code: 'provider_refund_id_required' } } });
    expect(await refund({ amount: 1_500, providerRefundId: re })).toMatchObject({ status: 201, body: { refundedAmount: 1_500 } });
    const events = await eventsOf(h.api, ids.paymentId);
    expect(events.filter((e) => e.type === 'PaymentRefunded')).toHaveLength(1);
  });
});
