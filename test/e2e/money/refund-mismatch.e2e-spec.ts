import { randomUUID } from 'node:crypto';
import { alertSettingsFromConfig, createAlertHook } from '@ledger/monitoring';
import { loadConfig } from '@ledger/platform';
import { alertReadModels } from '@ledger/projections';
import * as payloads from '../../../libs/provider-webhooks/src/testing';
import { call } from '../../support/api-harness';
import { GOOD_SECRETS, ledger } from '../cli/support/cli';
import { postStripe } from '../webhooks/support/webhook-harness';
import { evt, startMoneyHarness, tail, type MoneyHarness } from './support';

describe('A refund recorded twice: once through the API without the provider id, once by the provider', () => {
  let h: MoneyHarness;
  beforeAll(async () => {
    h = await startMoneyHarness({
      onBatch: { ledger: createAlertHook(alertSettingsFromConfig(loadConfig({ NODE_ENV: 'test' })), alertReadModels) },
    });
  });
  afterAll(() => h.close());

  it('is not guessed away: the provider total raises a refund_mismatch alert for a person, and the books stay as recorded', async () => {
    const ids: payloads.StripeIds = { paymentIntent: `pi_${tail()}`, charge: `ch_${tail()}`, paymentId: `pay_${tail()}` };
    await postStripe(h.api, payloads.stripeEvent(evt(), 'payment_intent.succeeded', payloads.paymentIntent(ids, 'succeeded')));
    const refund = await call(h.api, 'POST', `/v1/payments/${ids.paymentId}/refunds`, {
      key: h.api.keys['payments:write'],
      headers: { 'idempotency-key': randomUUID() },
      body: { amount: 300 },
    });
    expect(refund.status).toBe(201);
    const now = Math.floor(Date.now() / 1000);
    await postStripe(
      h.api,
      payloads.stripeEvent(evt(), 'refund.created', { ...payloads.refundObject(ids, 're_same', 300), created: now }, now),
    );
    const charge = payloads.charge(ids, { amount_refunded: 300, refunds: undefined });
    await postStripe(h.api, payloads.stripeEvent(evt(), 'charge.refunded', charge, now + 5));
    await h.settle();

    const { rows: events } = await h.api.db.pool.query(
      `SELECT event_type, data FROM event_store.events WHERE stream_id = $1 AND event_type = 'PaymentRefundMismatch'`,
      [`payment-${ids.paymentId}`],
    );
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ reportedTotal: 300, recordedTotal: 600 });
    const { rows: alerts } = await h.api.db.pool.query(
      `SELECT payload FROM monitoring.alert_outbox WHERE payload->>'rule' = 'refund_mismatch'`,
    );
    expect(alerts.map((a) => a.payload)).toEqual([
      expect.objectContaining({
        rule: 'refund_mismatch',
        provider: 'stripe',
        value: 600,
        threshold: 300,
        details: { paymentId: ids.paymentId, currency: 'USD' },
      }),
    ]);
    expect((await call(h.api, 'GET', `/v1/payments/${ids.paymentId}`, { key: h.api.keys['payments:read'] })).body.refundedAmount).toBe(600);

    const report = await ledger(['audit', 'report', '--days', '30'], { DATABASE_URL: h.api.db.url, ...GOOD_SECRETS });
    expect(report.stdout).toContain('refunds against provider totals');
    expect(report.stdout).toContain(`payment ${ids.paymentId}: recorded USD 6.00, provider reported USD 3.00`);
  });
});
