import { randomUUID } from 'node:crypto';
import { FORGOTTEN } from '@ledger/security';
import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';

const MASTER = 'k7Qp2Zr9Lm4Xw8Vt1Bn6Hs3Jd5Fg0Ca!';

describe('personal data at rest (envelope encryption per customer)', () => {
  let api: ApiHarness;
  const customers = [`cust-${randomUUID()}`, `cust-${randomUUID()}`];
  const payments: string[] = [];
  const details = (i: number) => ({
    description: `Order for Jane Roe #${i}`,
    metadata: { email_hash: `h${i}`, note: `ship to 221B Baker Street, flat ${i}` },
    card: { token: `pm_secret_token_${i}`, brand: 'visa', last4: '4242' },
  });

  beforeAll(async () => {
    api = await startApiHarness({ env: { ENCRYPTION_KEY: MASTER } });
    for (const [i, customerId] of customers.entries()) {
      const res = await call(api, 'POST', '/v1/payments', {
        key: api.keys['payments:write'],
        headers: { 'idempotency-key': randomUUID() },
        body: { provider: 'stripe', amount: 1234 + i, currency: 'USD', customerId, ...details(i) },
      });
      expect(res.status).toBe(201);
      expect(res.body.description).toBe(details(i).description);
      payments.push(res.body.paymentId as string);
    }
  }, 60_000);

  afterAll(() => api.close());

  const rawCreated = async (paymentId: string) => {
    const { rows } = await api.db.pool.query<{ data: any; metadata: any }>(
      `SELECT data, metadata FROM event_store.events WHERE stream_id = $1 AND event_type = 'PaymentCreated'`,
      [`payment-${paymentId}`],
    );
    return rows[0];
  };

  it('stores description, metadata values, the card token and the source IP as ciphertext, the rest clear', async () => {
    for (const [i, paymentId] of payments.entries()) {
      const { data, metadata } = await rawCreated(paymentId);
      const stored = JSON.stringify({ data, metadata });
      for (const secret of [details(i).description, details(i).metadata.note, details(i).card.token, '127.0.0.1']) {
        expect(stored).not.toContain(secret);
      }
      expect(data.description).toMatch(/^pd1:v1\.[\w-]+\./);
      expect(data.metadata.note).toMatch(/^pd1:v1\./);
      expect(data.metadata.email_hash).toMatch(/^pd1:v1\./);
      expect(data.card.token).toMatch(/^pd1:v1\./);
      expect(metadata.sourceIp).toMatch(/^pd1:v1\./);
      expect(data).toMatchObject({ paymentId, customerId: customers[i], amount: 1234 + i, currency: 'USD', provider: 'stripe' });
      expect(data.card).toMatchObject({ brand: 'visa', last4: '4242' });
    }
  });

  it('keeps one data key per customer, wrapped by the master key, its id inside each ciphertext', async () => {
    const { rows } = await api.db.pool.query<{ key_id: string; owner: string; master_key_id: string; wrapped: string }>(
      `SELECT key_id, owner, master_key_id, wrapped FROM ledger.data_keys WHERE owner = ANY($1) ORDER BY owner`,
      [customers.map((c) => `customer:${c}`)],
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.master_key_id).toBe('k1');
      expect(row.wrapped).toMatch(/^v1\.k1\./);
    }
    for (const [i, paymentId] of payments.entries()) {
      const keyId = rows.find((r) => r.owner === `customer:${customers[i]}`)!.key_id;
      expect((await rawCreated(paymentId)).data.description.split('.')[1]).toBe(keyId);
    }
  });

  it('two first commands for one customer racing end with one key', async () => {
    const customerId = `cust-${randomUUID()}`;
    const results = await Promise.all(
      [0, 1, 2, 3].map(() =>
        call(api, 'POST', '/v1/payments', {
          key: api.keys['payments:write'],
          headers: { 'idempotency-key': randomUUID() },
          body: { provider: 'stripe', amount: 100, currency: 'USD', customerId, description: 'race' },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const { rows } = await api.db.pool.query(`SELECT key_id FROM ledger.data_keys WHERE owner = $1`, [`customer:${customerId}`]);
    expect(rows).toHaveLength(1);
  });

  it('returns the plaintext to payments:read, on the payment and on its events', async () => {
    for (const [i, paymentId] of payments.entries()) {
      const view = await call(api, 'GET', `/v1/payments/${paymentId}`, { key: api.keys['payments:read'] });
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ description: details(i).description, card: details(i).card, amount: 1234 + i });
      const events = await call(api, 'GET', `/v1/payments/${paymentId}/events`, { key: api.keys['payments:read'] });
      expect(events.body[0].data).toMatchObject({ description: details(i).description, metadata: details(i).metadata });
      expect(events.body[0].metadata.sourceIp).toBe('127.0.0.1');
      expect(events.body[0].data.description).not.toBe(FORGOTTEN);
      const accessLines = api.logs
        .map((line) => JSON.parse(line) as { msg?: string; apiKeyId?: string; personalDataRead?: string; time?: unknown })
        .filter((l) => l.msg === 'request' && l.personalDataRead === paymentId);
      expect(accessLines).toHaveLength(2);
      expect(accessLines.every((l) => l.apiKeyId === api.keyIds['payments:read'] && l.time !== undefined)).toBe(true);
    }
  });

  it('reads an event stored before encryption (plaintext) as it is', async () => {
    const paymentId = `old-${randomUUID()}`;
    await api.db.pool.query(
      `INSERT INTO event_store.events (stream_id, revision, event_id, event_type, data, metadata) VALUES ($1, 0, $2, 'PaymentCreated', $3, $4)`,
      [
        `payment-${paymentId}`,
        randomUUID(),
        { paymentId, provider: 'stripe', amount: 700, currency: 'USD', description: 'legacy plain', createdAt: new Date().toISOString() },
        { actor: 'legacy', schemaVersion: 1, occurredAt: new Date().toISOString(), correlationId: 'c', causationId: 'c' },
      ],
    );
    const view = await call(api, 'GET', `/v1/payments/${paymentId}`, { key: api.keys['payments:read'] });
    expect(view.body).toMatchObject({ paymentId, description: 'legacy plain', amount: 700 });
  });
});
