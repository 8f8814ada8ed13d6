import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@ledger/event-store';
import { FORGOTTEN } from '@ledger/security';
import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';
import { ledger, project } from '../cli/support/cli';

const MASTER = 'k7Qp2Zr9Lm4Xw8Vt1Bn6Hs3Jd5Fg0Ca!';

describe('forgetting a customer (crypto-shredding)', () => {
  let api: ApiHarness;
  let env: NodeJS.ProcessEnv;
  const [forgotten, kept, byCli] = [`cust-${randomUUID()}`, `cust-${randomUUID()}`, `cust-${randomUUID()}`];
  const paymentOf: Record<string, string> = {};
  const body = (customerId: string) => ({
    provider: 'stripe',
    amount: 4321,
    currency: 'EUR',
    customerId,
    description: `Flowers for ${customerId}`,
    metadata: { address: `1 Rue de ${customerId}` },
    card: { token: `pm_${customerId}`, last4: '4242' },
  });
  const view = async (customerId: string) =>
    (await call(api, 'GET', `/v1/payments/${paymentOf[customerId]}`, { key: api.keys['payments:read'] })).body;
  const events = async (customerId: string) =>
    (await call(api, 'GET', `/v1/payments/${paymentOf[customerId]}/events`, { key: api.keys['payments:read'] })).body;

  beforeAll(async () => {
    api = await startApiHarness({ env: { ENCRYPTION_KEY: MASTER } });
    env = { DATABASE_URL: api.db.url, ENCRYPTION_KEY: MASTER };
    for (const customerId of [forgotten, kept, byCli]) {
      const created = await call(api, 'POST', '/v1/payments', {
        key: api.keys['payments:write'],
        headers: { 'idempotency-key': randomUUID() },
        body: body(customerId),
      });
      expect(created.status).toBe(201);
      paymentOf[customerId] = created.body.paymentId as string;
      const processing = await call(api, 'POST', `/v1/payments/${paymentOf[customerId]}/processing`, {
        key: api.keys['payments:write'],
        body: {},
      });
      expect(processing.status).toBe(200);
    }
  }, 60_000);

  afterAll(() => api.close());

  it('refuses without the admin scope and refuses an invalid customer id', async () => {
    const denied = await call(api, 'POST', `/v1/customers/${forgotten}/forget`, { key: api.keys['payments:write'] });
    expect(denied.status).toBe(403);
    const invalid = await call(api, 'POST', `/v1/customers/${encodeURIComponent('a@b.example')}/forget`, { key: api.keys.admin });
    expect(invalid.status).toBe(400);
    expect((await view(forgotten)).description).toBe(body(forgotten).description);
  });

  it('POST /v1/customers/:id/forget destroys the key and records who asked, in the customer stream', async () => {
    const res = await call(api, 'POST', `/v1/customers/${forgotten}/forget`, {
      key: api.keys.admin,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ customerId: forgotten, keysDestroyed: 1 });
    const keys = await api.db.pool.query(`SELECT 1 FROM ledger.data_keys WHERE owner = $1`, [`customer:${forgotten}`]);
    expect(keys.rowCount).toBe(0);
    const { rows } = await api.db.pool.query<{ event_type: string; data: any; metadata: any }>(
      `SELECT event_type, data, metadata FROM event_store.events WHERE stream_id = $1`,
      [`customer-${forgotten}`],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].event_type).toBe('CustomerForgotten');
    expect(rows[0].data).toMatchObject({ customerId: forgotten, requestedBy: api.keyIds.admin });
    expect(rows[0].metadata.actor).toBe(api.keyIds.admin);
  });

  it("reads the forgotten customer's fields as forgotten, the other customer's intact, amounts and status unchanged", async () => {
    const gone = await view(forgotten);
    expect(gone).toMatchObject({ customerId: forgotten, amount: 4321, currency: 'EUR', status: 'processing', description: FORGOTTEN });
    expect(gone.card).toEqual({ token: FORGOTTEN, last4: '4242' });
    const goneEvents = await events(forgotten);
    expect(goneEvents[0].data.metadata).toEqual({ address: FORGOTTEN });
    expect(goneEvents.every((e: { metadata: { sourceIp?: string } }) => e.metadata.sourceIp === FORGOTTEN)).toBe(true);
    expect(JSON.stringify(goneEvents)).not.toContain(`1 Rue de ${forgotten}`);

    expect(await view(kept)).toMatchObject({ description: body(kept).description, card: body(kept).card, amount: 4321 });
    expect((await events(kept))[0].data.metadata).toEqual(body(kept).metadata);
  });

  it('ledger customers forget does the same from the command line', async () => {
    const run = await ledger(['customers', 'forget', byCli, '--actor', 'dpo@example'], env);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(new RegExp(`^forgot customer ${byCli} at .*: 1 data key\\(s\\) destroyed`));
    expect(run.code).toBe(0);
    expect((await view(byCli)).description).toBe(FORGOTTEN);
    expect((await ledger(['customers', 'forget', 'bad id'], env)).code).toBe(2);
  });

  it('keeps every read model and the hash chain agreeing: audit verify exits 0', async () => {
    await project(api.db.pool, new PostgresEventStore(api.db.pool, { pollIntervalMs: 10 }));
    const { rows } = await api.db.pool.query<{ amount: string; description: string }>(
      `SELECT amount, description FROM read_models.payments WHERE payment_id = $1`,
      [paymentOf[forgotten]],
    );
    expect(Number(rows[0].amount)).toBe(4321);
    expect(rows[0].description).toMatch(/^pd1:v1\./);
    const verify = await ledger(['audit', 'verify'], env);
    expect(verify.stdout).toMatch(/^verify: clean/);
    expect(verify.code).toBe(0);
  }, 60_000);
});
