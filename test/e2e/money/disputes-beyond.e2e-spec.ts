import { randomUUID } from 'node:crypto';
import { alertSettingsFromConfig, createAlertHook } from '@ledger/monitoring';
import { loadConfig } from '@ledger/platform';
import { alertReadModels } from '@ledger/projections';
import * as payloads from '../../../libs/provider-webhooks/src/testing';
import { call } from '../../support/api-harness';
import { ledger } from '../cli/support/cli';
import { eventsOf, postStripe } from '../webhooks/support/webhook-harness';
import { evt, startMoneyHarness, tail, type MoneyHarness } from './support';

/** Issue 28 cases 3, 4, 7, 8 over HTTP: disputes as Stripe reports them, and the API's refunds beside them. */
describe('Disputes beyond the charge', () => {
  let h: MoneyHarness;
  beforeAll(async () => {
    h = await startMoneyHarness({
      onBatch: { ledger: createAlertHook(alertSettingsFromConfig(loadConfig({ NODE_ENV: 'test' })), alertReadModels) },
    });
  });
  afterAll(() => h.close());

  const succeeded = async () => {
    const ids = { paymentIntent: `pi_${tail()}`, charge: `ch_${tail()}`, paymentId: `pay_${tail()}` };
    const res = await postStripe(h.api, payloads.stripeEvent(evt(), 'payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded')));
    expect(res.status).toBe(200);
    return ids;
  };
  const write = (path: string, body: unknown) =>
    call(h.api, 'POST', path, { key: h.api.keys['payments:write'], headers: { 'idempotency-key': randomUUID() }, body });
  const dispute = (ids: payloads.StripeIds, id: string, status: string, amount = 2000) => ({
    ...payloads.dispute(ids, amount),
    id,
    status,
  });

  it('cases 4, 7, 8: an API dispute meets Stripe’s report of it; refunds wait for its end (409 charge_disputed); prevented takes nothing', async () => {
    const ids = await succeeded();
    expect((await write(`/v1/payments/${ids.paymentId}/disputes`, { reason: 'fraudulent' })).status).toBe(201);
    expect(await write(`/v1/payments/${ids.paymentId}/refunds`, { amount: 500 })).toMatchObject({
      status: 409,
      body: { error: { code: 'charge_disputed' } },
    });
    const dp = `dp_${tail()}`;
    // Stripe's close before its create (out of order), then the create again: one dispute, linked once, closed once.
    for (const [type, status] of [
      ['charge.dispute.closed', 'prevented'],
      ['charge.dispute.created', 'warning_needs_response'],
    ]) {
      expect((await postStripe(h.api, payloads.stripeEvent(evt(), type, dispute(ids, dp, status)))).status).toBe(200);
    }
    const events = await eventsOf(h.api, ids.paymentId);
    expect(events.map((e) => e.type).slice(3)).toEqual(['PaymentDisputed', 'PaymentDisputeLinked', 'PaymentDisputeClosed']);
    expect(events.at(-1)?.data).toMatchObject({ outcome: 'prevented', amount: 2000 });
    const view = (await call(h.api, 'GET', `/v1/payments/${ids.paymentId}`, { key: h.api.keys['payments:read'] })).body;
    expect(view.disputes).toEqual([expect.objectContaining({ providerDisputeId: dp, status: 'prevented' })]);
    expect((await write(`/v1/payments/${ids.paymentId}/refunds`, { amount: 500 })).status).toBe(201);
  });

  it('case 8: after a lost chargeback the API refund is refused; case 3: a dispute above the charge is booked with a mismatch', async () => {
    const ids = await succeeded();
    const dp = `dp_${tail()}`;
    await postStripe(h.api, payloads.stripeEvent(evt(), 'charge.dispute.created', dispute(ids, dp, 'needs_response', 2600)));
    await postStripe(h.api, payloads.stripeEvent(evt(), 'charge.dispute.closed', dispute(ids, dp, 'lost', 2600)));
    expect(await write(`/v1/payments/${ids.paymentId}/refunds`, { amount: 2000 })).toMatchObject({
      status: 409,
      body: { error: { code: 'charge_disputed' } },
    });
    await h.settle();
    const types = (await eventsOf(h.api, ids.paymentId)).map((e) => e.type);
    expect(types.slice(3)).toEqual(['PaymentDisputed', 'PaymentProviderMismatch', 'PaymentDisputeClosed', 'PaymentProviderMismatch']);
    const { rows } = await h.api.db.pool.query(
      `SELECT dispute_losses, refunded_amount, captured_amount FROM read_models.payments WHERE payment_id = $1`,
      [ids.paymentId],
    );
    expect(rows).toEqual([{ dispute_losses: '2600', refunded_amount: '0', captured_amount: '2000' }]);
    const { rows: alerts } = await h.api.db.pool.query(
      `SELECT payload FROM monitoring.alert_outbox WHERE payload->>'rule' = 'provider_mismatch' AND payload->'details'->>'paymentId' = $1`,
      [ids.paymentId],
    );
    expect(alerts).toHaveLength(2);
  });

  it('audit verify agrees', async () => {
    await h.settle();
    const verify = await ledger(['audit', 'verify'], { DATABASE_URL: h.api.db.url });
    expect({ code: verify.code, out: verify.stdout.slice(-2000) }).toMatchObject({ code: 0 });
  });
});
