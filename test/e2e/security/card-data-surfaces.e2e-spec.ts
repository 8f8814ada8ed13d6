import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { alertSettingsFromConfig, createAlertHook } from '@ledger/monitoring';
import { PostgresEventStore } from '@ledger/event-store';
import { loadConfig } from '@ledger/platform';
import { testServices } from '@ledger/testing';
import * as payloads from '../../../libs/provider-webhooks/src/testing';
import { renderedCard } from '../../../libs/security/src/testing/card-numbers';
// Direct files: the @ledger/projections index also loads the Nest dashboard module.
import { auditTrailProjection } from '../../../libs/projections/src/audit/audit-projection';
import { alertReadModels } from '../../../libs/projections/src/health/alert-read-models';
import { ledgerProjection } from '../../../libs/projections/src/ledger/ledger-projection';
import { ProjectionRunner } from '../../../libs/projections/src/runner/projection-runner';
import { call, type ApiHarness } from '../../support/api-harness';
import { createPayment, succeededPayment, write } from '../api/fixtures';
import { eventsOf, startWebhookHarness } from '../webhooks/support/webhook-harness';
import { postSignedStripe } from './support/signed-webhook';
import { scanDatabase, scanLogs, scanRedis } from './support/stored-data';

let api: ApiHarness;
let runners: ProjectionRunner[];
let running: Promise<unknown>;
let runnerError: unknown;
let requests = 0;
let paymentId: string;
beforeAll(async () => {
  api = await startWebhookHarness();
  const settings = alertSettingsFromConfig(loadConfig({ NODE_ENV: 'test', SUSPICIOUS_AMOUNTS: 'USD=1000' }));
  const store = new PostgresEventStore(api.db.pool);
  runners = [
    new ProjectionRunner({ pool: api.db.pool, store, projection: ledgerProjection, onBatch: createAlertHook(settings, alertReadModels) }),
    new ProjectionRunner({ pool: api.db.pool, store, projection: auditTrailProjection }),
  ];
  running = Promise.all(runners.map((r) => r.run())).catch((error: unknown) => {
    runnerError = error;
  });
  paymentId = await succeededPayment(api, { amount: 50_000 });
});
afterAll(async () => {
  await Promise.all(runners.map((r) => r.stop()));
  await running;
  await api.close();
});

// Headers are Latin-1 on the wire: ASCII digits and the separators a header can carry.
const headerCard = renderedCard({ zeros: [0x30], separators: [' ', '-', '.', '_', '/', ',', '  ', ' - ', '\u00a0', '*'] });
const percentEncoded = (text: string) => [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

interface Probe {
  readonly label: string;
  readonly method: string;
  readonly path: string;
  readonly place: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

function probes(text: string, headerText: string): Probe[] {
  const body = { provider: 'stripe', amount: 5000, currency: 'USD', customerId: 'cus_1' };
  const key = { 'idempotency-key': randomUUID() };
  return [
    {
      label: 'metadata value',
      method: 'POST',
      path: '/v1/payments',
      place: 'metadata.note',
      body: { ...body, metadata: { note: text } },
      headers: key,
    },
    {
      label: 'description',
      method: 'POST',
      path: '/v1/payments',
      place: 'description',
      body: { ...body, description: text },
      headers: key,
    },
    {
      label: 'refund reason',
      method: 'POST',
      path: `/v1/payments/${paymentId}/refunds`,
      place: 'reason',
      body: { amount: 1, reason: text },
      headers: key,
    },
    {
      label: 'fraud reason',
      method: 'POST',
      path: `/v1/payments/${paymentId}/fraud-flags`,
      place: 'reason',
      body: { reason: text },
      headers: key,
    },
    {
      label: 'dispute reason',
      method: 'POST',
      path: `/v1/payments/${paymentId}/disputes`,
      place: 'reason',
      body: { reason: text },
      headers: key,
    },
    {
      label: 'failure message',
      method: 'POST',
      path: `/v1/payments/${paymentId}/failure`,
      place: 'errorMessage',
      body: { errorCode: 'x', errorMessage: text },
    },
    { label: 'query', method: 'GET', path: `/v1/payments/${paymentId}?q=${encodeURIComponent(text)}`, place: 'query.q' },
    {
      label: 'path',
      method: 'POST',
      path: `/v1/payments/${encodeURIComponent(text)}/refunds`,
      place: 'path',
      body: { amount: 1 },
      headers: key,
    },
    { label: 'percent-encoded path', method: 'GET', path: `/v1/payments/${percentEncoded(text)}`, place: 'path' },
    { label: 'unknown route', method: 'GET', path: `/v1/${percentEncoded(text)}/nothing`, place: 'path' },
    {
      label: 'Idempotency-Key',
      method: 'POST',
      path: '/v1/payments',
      place: 'header:Idempotency-Key',
      body,
      headers: { 'idempotency-key': headerText },
    },
    {
      label: 'X-Request-Id',
      method: 'POST',
      path: '/v1/payments',
      place: 'header:X-Request-Id',
      body,
      headers: { ...key, 'x-request-id': headerText },
    },
  ];
}

describe('Card numbers, rendered any way, in every input surface', () => {
  it('refuses each command with card_data_rejected naming the place, never the value', async () => {
    await fc.assert(
      fc.asyncProperty(renderedCard(), headerCard, async ({ pan, text }, header) => {
        for (const probe of probes(text, header.text)) {
          const res = await call(api, probe.method, probe.path, { key: write(api), body: probe.body, headers: probe.headers });
          requests++;
          const answer = JSON.stringify(res.body) + [...res.headers.values()].join('\n');
          expect({ probe: probe.label, status: res.status, code: res.body?.error?.code }).toEqual({
            probe: probe.label,
            status: 400,
            code: 'card_data_rejected',
          });
          expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(probe.place);
          expect(answer).not.toContain(pan);
          expect(answer).not.toContain(header.pan);
          expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('masks a signed webhook instead of refusing it, and never keeps a card number from its headers', async () => {
    await fc.assert(
      fc.asyncProperty(renderedCard(), headerCard, async ({ pan, text }, header) => {
        const id = `pay_wh_${randomUUID().slice(0, 8)}`;
        const ids = {
          paymentIntent: `pi_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
          charge: `ch_${randomUUID().slice(0, 8)}`,
          paymentId: id,
        };
        const intent = payloads.paymentIntent(ids, 'succeeded', {
          description: `Order for ${text}`,
          metadata: { paymentId: id, note: text },
        });
        const event = payloads.stripeEvent(`evt_${randomUUID().replace(/-/g, '')}`, 'payment_intent.succeeded', intent);
        const res = await postSignedStripe(api, event, { 'x-request-id': header.text });
        requests++;
        expect(res.status).toBe(200);
        const stored = JSON.stringify(await eventsOf(api, id));
        expect(stored).toContain('**** **** **** ');
        expect(stored).not.toContain(pan);
        expect(stored).not.toContain(header.pan);
      }),
      { numRuns: 20 },
    );
  });

  it('stores a signed webhook whose text holds a NUL instead of failing it', async () => {
    const ids = { paymentIntent: `pi_${randomUUID().slice(0, 8)}`, charge: 'ch_nul', paymentId: `pay_nul_${randomUUID().slice(0, 8)}` };
    const event = payloads.stripeEvent(
      `evt_${randomUUID().replace(/-/g, '')}`,
      'payment_intent.succeeded',
      payloads.paymentIntent(ids, 'succeeded', { description: 'a\u0000b' }),
    );
    expect((await postSignedStripe(api, event)).status).toBe(200);
    expect((await eventsOf(api, ids.paymentId))[0].data.description).toBe('a\ufffdb');
  });

  it('leaves no Luhn-valid card number in any table, Redis key or log line', async () => {
    await createPayment(api, { amount: 9_000_000, description: 'a suspicious amount raises an alert' });
    await untilProjected();
    const db = await scanDatabase(api);
    expect(db.tables).toEqual(
      expect.arrayContaining([
        'event_store.events',
        'read_models.payments',
        'read_models.audit_trail',
        'ledger.idempotency_keys',
        'ledger.webhook_deliveries',
        'monitoring.alert_outbox',
        'monitoring.alerts',
      ]),
    );
    expect(db.rows).toBeGreaterThan(50);
    expect(db.findings).toEqual([]);
    const redis = await scanRedis(testServices().redisUrl, api.rateLimitPrefix);
    expect(redis.keys).toBeGreaterThan(0);
    expect(redis.findings).toEqual([]);
    // One line per request at least: the refused ones are logged too.
    expect(api.logs.length).toBeGreaterThanOrEqual(requests);
    expect(scanLogs(api.logs)).toEqual([]);
    const { rows } = await api.db.pool.query(`SELECT count(*)::int AS n FROM monitoring.alert_outbox`);
    expect(rows[0].n).toBeGreaterThan(0);
  });
});

async function untilProjected(): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { rows } = await api.db.pool.query<{ events: number; audited: number; streams: number; payments: number }>(
      `SELECT (SELECT count(*)::int FROM event_store.events) AS events, (SELECT count(*)::int FROM read_models.audit_trail) AS audited,
              (SELECT count(DISTINCT stream_id)::int FROM event_store.events) AS streams, (SELECT count(*)::int FROM read_models.payments) AS payments`,
    );
    if (runnerError) throw runnerError instanceof Error ? runnerError : new Error(String(runnerError));
    if (rows[0].events === rows[0].audited && rows[0].streams === rows[0].payments) return;
    if (Date.now() > deadline) throw new Error(`projector behind: ${JSON.stringify(rows[0])}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
