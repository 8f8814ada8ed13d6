import { randomUUID } from 'node:crypto';
import { alertSettingsFromConfig, createAlertHook } from '@ledger/monitoring';
import { loadConfig } from '@ledger/platform';
import { alertReadModels } from '@ledger/projections';
import { waitFor } from '@ledger/testing';
import * as payloads from '../../../libs/provider-webhooks/src/testing';
import { call } from '../../support/api-harness';
import { evt, startMoneyHarness, tail, type MoneyHarness } from '../money/support';
import { paymentIdFor, postStripe } from '../webhooks/support/webhook-harness';
import { MASTER_KEY, flagsInLog, startManager } from './support/fraud-rig';

/** The Stripe fixture's card fingerprint: the API's clients send the same one for the same card. */
const FINGERPRINT = 'mToisGZ01V71BCos';

/** CONTRACT.md › "Fraud velocity", through the real HTTP API and signed webhooks, with the projector and the manager live. */
describe('Fraud velocity end to end', () => {
  let h: MoneyHarness;
  let manager: Awaited<ReturnType<typeof startManager>>;
  beforeAll(async () => {
    const env = { ENCRYPTION_KEY: MASTER_KEY };
    h = await startMoneyHarness({
      env,
      onBatch: { ledger: createAlertHook(alertSettingsFromConfig(loadConfig({ NODE_ENV: 'test', ...env })), alertReadModels) },
    });
    manager = await startManager(h.api.db.pool);
  });
  afterAll(async () => {
    await manager.stop();
    await h.close();
  });

  const write = (path: string, body: unknown) =>
    call(h.api, 'POST', path, { key: h.api.keys['payments:write'], headers: { 'idempotency-key': randomUUID() }, body });

  it('flags a card-testing burst (API and webhooks) and a multi-customer IP, raises one alert per trip and shows them on the page', async () => {
    // Card testing: three declined payments through the API and three declined charges Stripe reports, one card.
    const burst: string[] = [];
    for (let i = 0; i < 3; i++) {
      const paymentId = `pay_${tail()}`;
      const created = await write('/v1/payments', {
        paymentId,
        provider: 'stripe',
        amount: 100,
        currency: 'USD',
        customerId: 'cus_burst',
        cardFingerprint: FINGERPRINT,
        cardCountry: 'US',
        ipAddress: '198.51.100.23',
        ipCountry: 'US',
      });
      expect(created.status).toBe(201);
      expect(created.text).not.toContain(FINGERPRINT);
      expect((await write(`/v1/payments/${paymentId}/processing`, {})).status).toBe(200);
      expect((await write(`/v1/payments/${paymentId}/failure`, { errorCode: 'card_declined' })).status).toBe(200);
      burst.push(paymentId);
    }
    const now = Math.floor(Date.now() / 1000) - 5;
    for (let i = 0; i < 3; i++) {
      const ids = { paymentIntent: `pi_${tail()}`, charge: `ch_${tail()}` };
      const declined = payloads.charge(ids, {
        status: 'failed',
        paid: false,
        captured: false,
        failure_code: 'card_declined',
        created: now,
      });
      expect((await postStripe(h.api, payloads.stripeEvent(evt(), 'charge.failed', declined, now))).status).toBe(200);
      burst.push((await paymentIdFor(h.api, 'stripe', ids.paymentIntent)) as string);
    }
    // One address, five customers within the hour.
    const shared: string[] = [];
    for (let i = 0; i < 5; i++) {
      const paymentId = `pay_${tail()}`;
      const body = { paymentId, provider: 'stripe', amount: 2500, currency: 'USD', customerId: `cus_ip_${i}`, ipAddress: '203.0.113.77' };
      expect((await write('/v1/payments', body)).status).toBe(201);
      shared.push(paymentId);
    }

    const expected = [...burst.map((p) => `card_failures ${p}`), ...shared.map((p) => `ip_customers ${p}`)].sort();
    await waitFor(async () => (await flagsInLog(h.store)).length >= expected.length, 'the flags', 30_000);
    await h.settle();
    expect(await flagsInLog(h.store)).toEqual(expected);

    const flagged = await call(h.api, 'GET', `/v1/payments/${burst[0]}`, { key: h.api.keys['payments:read'] });
    expect(flagged.body).toMatchObject({ fraudFlagged: true });
    const events = await call(h.api, 'GET', `/v1/payments/${shared[0]}/events`, { key: h.api.keys['payments:read'] });
    const flag = events.body.find((e: { type: string }) => e.type === 'PaymentFraudFlagged');
    expect(flag.data).toMatchObject({ reason: 'velocity:ip_customers', rule: 'ip_customers', window: '1h', count: 5, threshold: 5 });
    expect([...flag.data.paymentIds].sort()).toEqual([...shared].sort());
    expect(flag.metadata).toMatchObject({ actor: 'process:fraud-velocity', idempotencyKey: `fraud:ip_customers:${shared[0]}` });

    // One fraud_velocity alert per trip: two trips, eleven flags.
    const { rows } = await h.api.db.pool.query<{ payload: { details: { rule: string } } }>(
      `SELECT payload FROM monitoring.alert_outbox WHERE payload->>'rule' = 'fraud_velocity'`,
    );
    expect(rows.map((r) => r.payload.details.rule).sort()).toEqual(['card_failures', 'ip_customers']);

    // What people see: the flags in fraud.attempts and on the page, not in health.
    const dashboard = await call(h.api, 'GET', '/v1/dashboard/payments', { key: h.api.keys['dashboard:read'] });
    expect(dashboard.body.metrics.fraud.attempts).toBe(expected.length);
    expect(dashboard.body.health.metrics.fraudFlagsLastHour).toBe(0);
    expect(dashboard.body.health.issues.filter((i: string) => /fraud/i.test(i))).toEqual([]);
    const page = await call(h.api, 'GET', '/v1/dashboard/fraud-velocity', { key: h.api.keys['dashboard:read'] });
    expect(page.status).toBe(200);
    const byRule = (rule: string) =>
      page.body.buckets.filter((b: { rule: string }) => b.rule === rule).reduce((n: number, b: { flags: number }) => n + b.flags, 0);
    expect({ card_failures: byRule('card_failures'), ip_customers: byRule('ip_customers') }).toEqual({ card_failures: 6, ip_customers: 5 });
  }, 120_000);

  it('refuses a malformed signal with 400 naming the field, and appends nothing', async () => {
    const paymentId = `pay_${tail()}`;
    const refused = await write('/v1/payments', {
      paymentId,
      provider: 'stripe',
      amount: 100,
      currency: 'USD',
      ipCountry: 'XX',
      ipAddress: '999.1.1.1',
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.error.details)).toMatch(/ipCountry/);
    expect(JSON.stringify(refused.body.error.details)).toMatch(/ipAddress/);
    expect((await call(h.api, 'GET', `/v1/payments/${paymentId}`, { key: h.api.keys['payments:read'] })).status).toBe(404);
  });
});
