import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@ledger/event-store';
import { DataKeyStore, parseMasterKey } from '@ledger/security';
import * as payloads from '../../../libs/provider-webhooks/src/testing';
import { call, type ApiHarness } from '../../support/api-harness';
import { ledger, project } from '../cli/support/cli';
import { postPaystack, postStripe, startWebhookHarness } from '../webhooks/support/webhook-harness';

const MASTER = 'u3Lq8Zr1Mx6Wp4Vt9Bn2Hs7Jd0Fg5Ck?';

/**
 * Issue 29, case 1: a customer id that is itself personal data, from any door (a signed webhook, the API), is
 * stored as its keyed token, never in clear, and can be forgotten by the raw value (API and CLI).
 */
describe('customer ids that are personal data, at every door', () => {
  let api: ApiHarness;
  const tail = () =>
    randomUUID()
      .replace(/-/g, '')
      .slice(0, 20)
      .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]);
  const run = tail();
  const [stripeEmail, paystackEmail, apiEmail, cliEmail] = ['stripe', 'paystack', 'api', 'cli'].map((d) => `bob.${d}.${run}@example.com`);
  const stripeIds = { paymentIntent: `pi_${tail()}`, charge: `ch_${tail()}` };
  const cliIds = { paymentIntent: `pi_${tail()}`, charge: `ch_${tail()}` };
  const paystackRef = `ref_${tail()}`;
  let apiPayment: string;

  const allText = async (value: string): Promise<string[]> => {
    const tables = await api.db.pool.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    const hits: string[] = [];
    for (const { schema, name } of tables.rows) {
      const { rows } = await api.db.pool.query(`SELECT count(*)::int AS n FROM "${schema}"."${name}" t WHERE t::text ILIKE $1`, [
        `%${value}%`,
      ]);
      if (rows[0].n > 0) hits.push(`${schema}.${name}`);
    }
    return hits;
  };
  const customerOf = async (streamPrefix: string): Promise<string> => {
    const { rows } = await api.db.pool.query<{ customer: string }>(
      `SELECT data->>'customerId' AS customer FROM event_store.events WHERE stream_id = $1 AND revision = 0`,
      [`payment-${streamPrefix}`],
    );
    return rows[0].customer;
  };

  beforeAll(async () => {
    api = await startWebhookHarness({ ENCRYPTION_KEY: MASTER });
    const evt = () => `evt_${randomUUID().replace(/-/g, '')}`;
    for (const [ids, email] of [
      [stripeIds, stripeEmail],
      [cliIds, cliEmail],
    ] as const) {
      const created = payloads.stripeEvent(
        evt(),
        'payment_intent.created',
        payloads.paymentIntent(ids, 'requires_payment_method', { customer: email }),
      );
      expect((await postStripe(api, created)).status).toBe(200);
    }
    const paystack = payloads.chargeSuccess(paystackRef, {
      customer: { id: 1, email: paystackEmail, customer_code: paystackEmail },
    });
    expect((await postPaystack(api, paystack)).status).toBe(200);
    const res = await call(api, 'POST', '/v1/payments', {
      key: api.keys['payments:write'],
      headers: { 'idempotency-key': randomUUID() },
      body: { provider: 'stripe', amount: 1500, currency: 'USD', customerId: apiEmail, description: 'tea' },
    });
    expect(res.status).toBe(201);
    apiPayment = res.body.paymentId as string;
    expect(res.body.customerId).toMatch(/^ctok_[\w-]{43}$/);
    await project(api.db.pool, new PostgresEventStore(api.db.pool));
  }, 60_000);

  afterAll(() => api.close());

  it('stores a token, not the e-mail, whatever the door: events, read models, data key names', async () => {
    const { rows } = await api.db.pool.query<{ stream_id: string; customer: string }>(
      `SELECT stream_id, data->>'customerId' AS customer FROM event_store.events WHERE event_type = 'PaymentCreated' AND data->>'customerId' LIKE 'ctok\\_%'`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const email of [stripeEmail, paystackEmail, apiEmail, cliEmail]) expect(await allText(email)).toEqual([]);
    const apiToken = await customerOf(apiPayment);
    expect(await allText(apiToken)).toEqual(expect.arrayContaining(['event_store.events', 'read_models.payments'])); // the scan finds what is there
    const owners = await api.db.pool.query(`SELECT 1 FROM ledger.data_keys WHERE owner = $1`, [`customer:${apiToken}`]);
    expect(owners.rowCount).toBe(1);
    const readModel = await api.db.pool.query(`SELECT customer_id FROM read_models.payments WHERE payment_id = $1`, [apiPayment]);
    expect(readModel.rows[0].customer_id).toBe(apiToken);
  });

  it('gives the same person the same token at every door, so one data key holds their fields', async () => {
    const again = await call(api, 'POST', '/v1/payments', {
      key: api.keys['payments:write'],
      headers: { 'idempotency-key': randomUUID() },
      body: { provider: 'stripe', amount: 100, currency: 'USD', customerId: stripeEmail.toUpperCase() },
    });
    expect(again.status).toBe(201);
    const { rows } = await api.db.pool.query<{ customer: string }>(
      `SELECT DISTINCT data->>'customerId' AS customer FROM event_store.events WHERE event_type = 'PaymentCreated' AND (data->>'providerPaymentId' = $1 OR stream_id = $2)`,
      [stripeIds.paymentIntent, `payment-${again.body.paymentId}`],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].customer).toBe(again.body.customerId);
  });

  it('stores a provider reference holding an e-mail as its keyed token, the same from a webhook and from the API (case 2)', async () => {
    const reference = `order-for-dave.${run}@example.com`;
    const delivered = await postPaystack(api, payloads.chargeSuccess(reference));
    expect(delivered.status).toBe(200);
    const { rows } = await api.db.pool.query<{ ref: string }>(
      `SELECT DISTINCT data->>'providerPaymentId' AS ref FROM event_store.events WHERE data->>'providerPaymentId' LIKE 'rtok\\_%'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].ref).toMatch(/^rtok_[\w-]{43}$/);
    // The API's report of the same reference: the same token, so both name one payment.
    const created = await call(api, 'POST', '/v1/payments', {
      key: api.keys['payments:write'],
      headers: { 'idempotency-key': randomUUID() },
      body: { provider: 'paystack', amount: 10000, currency: 'NGN' },
    });
    const id = created.body.paymentId as string;
    for (const [tail, body] of [
      ['processing', {}],
      ['success', { providerPaymentId: reference }],
    ] as const) {
      const res = await call(api, 'POST', `/v1/payments/${id}/${tail}`, {
        key: api.keys['payments:write'],
        headers: { 'idempotency-key': randomUUID() },
        body,
      });
      expect(res.status).toBe(200);
    }
    expect((await call(api, 'GET', `/v1/payments/${id}`, { key: api.keys['payments:read'] })).body.providerPaymentId).toBe(rows[0].ref);
    expect(await allText(reference)).toEqual([]);
  });

  it('tokenises a webhook reference holding a card-like run instead of masking it: two alike once masked stay two payments', async () => {
    const [a, b] = [`order-${run}-4242424242424242`, `order-${run}-4000000000024242`];
    const tokenised = async () =>
      (
        await api.db.pool.query<{ stream_id: string; ref: string }>(
          `SELECT DISTINCT stream_id, data->>'providerPaymentId' AS ref FROM event_store.events
            WHERE event_type = 'PaymentSucceeded' AND data->>'providerPaymentId' LIKE 'rtok\\_%'`,
        )
      ).rows;
    const before = new Set((await tokenised()).map((r) => r.ref));
    for (const reference of [a, b]) expect((await postPaystack(api, payloads.chargeSuccess(reference))).status).toBe(200);
    const added = (await tokenised()).filter((r) => !before.has(r.ref));
    // Each its own token and its own payment (masked, both would read `**** 4242`).
    expect(new Set(added.map((r) => r.ref)).size).toBe(2);
    expect(new Set(added.map((r) => r.stream_id)).size).toBe(2);
    for (const digits of ['4242424242424242', '4000000000024242', '**** 4242', '****4242']) expect(await allText(digits)).toEqual([]);
  });

  it('POST /v1/customers/:id/forget takes the raw e-mail and forgets its token', async () => {
    const token = await customerOf(apiPayment);
    const res = await call(api, 'POST', `/v1/customers/${encodeURIComponent(apiEmail)}/forget`, {
      key: api.keys.admin,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ customerId: token, keysDestroyed: 1 });
    const view = await call(api, 'GET', `/v1/payments/${apiPayment}`, { key: api.keys['payments:read'] });
    expect(view.body.description).toBe('[forgotten]');
    expect(await allText(apiEmail)).toEqual([]);
    const invalid = await call(api, 'POST', `/v1/customers/${encodeURIComponent('semi;colon')}/forget`, { key: api.keys.admin });
    expect(invalid.status).toBe(400);
  });

  it('counts customer ids stored in clear before tokens (audit report), and forget by that e-mail destroys their old key too', async () => {
    const env = { DATABASE_URL: api.db.url, ENCRYPTION_KEY: MASTER };
    const legacy = `erin.${run}@example.com`;
    const paymentId = `legacy-${run}`;
    // As a webhook stored it before this change: the e-mail as customer id, and a data key named after it.
    await new DataKeyStore(api.db.pool, parseMasterKey(MASTER)).keyFor(`customer:${legacy}`);
    const at = new Date().toISOString();
    await new PostgresEventStore(api.db.pool).appendToStream(
      `payment-${paymentId}`,
      [
        {
          eventId: randomUUID(),
          type: 'PaymentCreated',
          data: { paymentId, provider: 'stripe', amount: 100, currency: 'USD', customerId: legacy, createdAt: at },
          metadata: { actor: 'webhook:stripe', correlationId: run, causationId: run, occurredAt: at, schemaVersion: 1 },
        },
      ],
      'no_stream',
    );
    const before = await ledger(['audit', 'report', '--days', '3650'], env);
    expect(before.stdout).toMatch(/customer ids pseudonymous.*1 events and 1 data key names hold a customer id that is personal data/);
    const forgot = await ledger(['customers', 'forget', legacy], env);
    expect(forgot.code).toBe(0);
    expect(forgot.stdout).toMatch(/1 data key\(s\) destroyed/);
    expect((await api.db.pool.query(`SELECT 1 FROM ledger.data_keys WHERE owner = $1`, [`customer:${legacy}`])).rowCount).toBe(0);
    const after = await ledger(['audit', 'report', '--days', '3650'], env);
    expect(after.stdout).toMatch(/customer ids pseudonymous.*1 events and 0 data key names/);
  });

  it('ledger customers forget takes the raw e-mail of a webhook customer', async () => {
    const env = { DATABASE_URL: api.db.url, ENCRYPTION_KEY: MASTER };
    const forgot = await ledger(['customers', 'forget', cliEmail], env);
    expect(forgot.stderr).toBe('');
    expect(forgot.code).toBe(0);
    expect(forgot.stdout).toMatch(/^forgot customer ctok_[\w-]{43} at .*: 1 data key\(s\) destroyed/);
    expect(forgot.stdout).not.toContain(cliEmail);
    expect(await allText(cliEmail)).toEqual([]);
    const withoutKey = await ledger(['customers', 'forget', stripeEmail], {
      DATABASE_URL: api.db.url,
      LEDGER_DATA_DIR: '/nonexistent-ledger',
    });
    expect(withoutKey.code).toBe(2);
    expect(withoutKey.stderr).toMatch(/needs the apps' master key/);
  });
});
