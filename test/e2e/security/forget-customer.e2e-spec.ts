import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore } from '@ledger/event-store';
import { openPersonalFields } from '@ledger/payments-app';
import { DataKeyStore, FORGOTTEN, parseMasterKey, PersonalDataCipher } from '@ledger/security';
import { canonicalJson } from '../../../apps/ledger-api/src/idempotency/hashing';
import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';
import { ledger, project } from '../cli/support/cli';

const MASTER = 'k7Qp2Zr9Lm4Xw8Vt1Bn6Hs3Jd5Fg0Ca!';

describe('forgetting a customer (crypto-shredding)', () => {
  let api: ApiHarness;
  let env: NodeJS.ProcessEnv;
  const [forgotten, kept, byCli] = [`cust-${randomUUID()}`, `cust-${randomUUID()}`, `cust-${randomUUID()}`];
  const paymentOf: Record<string, string> = {};
  const createKey: Record<string, string> = {};
  const created: Record<string, string> = {};
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
      createKey[customerId] = randomUUID();
      const res = await call(api, 'POST', '/v1/payments', {
        key: api.keys['payments:write'],
        headers: { 'idempotency-key': createKey[customerId] },
        body: body(customerId),
      });
      expect(res.status).toBe(201);
      paymentOf[customerId] = res.body.paymentId as string;
      created[customerId] = res.text;
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
    const invalid = await call(api, 'POST', `/v1/customers/${encodeURIComponent('semi;colon')}/forget`, { key: api.keys.admin });
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

  it('keeps stored responses free of plaintext: a replay is byte for byte while the key lives, forgotten after', async () => {
    const { rows } = await api.db.pool.query(`SELECT response_body FROM ledger.idempotency_keys WHERE key = ANY($1::text[])`, [
      Object.values(createKey),
    ]);
    expect(rows).toHaveLength(3);
    for (const customerId of [forgotten, kept, byCli]) {
      expect(rows.some((r) => String(r.response_body).includes(body(customerId).description))).toBe(false);
      expect(rows.some((r) => String(r.response_body).includes(body(customerId).card.token))).toBe(false);
    }
    const replay = (customerId: string) =>
      call(api, 'POST', '/v1/payments', {
        key: api.keys['payments:write'],
        headers: { 'idempotency-key': createKey[customerId] },
        body: body(customerId),
      });
    const keptReplay = await replay(kept);
    expect(keptReplay.headers.get('idempotent-replayed')).toBe('true');
    expect(keptReplay.text).toBe(created[kept]);
    // Issue 29, case 5: the request hash was keyed under the forgotten customer's key, so nothing can tell a retry
    // from another request any more; refused with a code of its own, not replayed and not run again.
    const forgottenReplay = await replay(forgotten);
    expect(forgottenReplay.status).toBe(422);
    expect(forgottenReplay.body.error.code).toBe('idempotency_key_forgotten');
    expect(forgottenReplay.text).not.toContain(body(forgotten).description);
    const { rows: streams } = await api.db.pool.query(
      `SELECT 1 FROM event_store.events WHERE stream_id LIKE 'payment-%' AND data->>'customerId' = $1`,
      [forgotten],
    );
    expect(streams).toHaveLength(1);
  });

  it('stores request hashes that confirm no guess: keyed per customer, not the unsalted SHA-256 of the request (issue 29, case 5)', async () => {
    const { rows } = await api.db.pool.query<{ key: string; request_hash: string }>(
      `SELECT key, request_hash FROM ledger.idempotency_keys WHERE key = ANY($1::text[])`,
      [Object.values(createKey)],
    );
    expect(rows).toHaveLength(3);
    for (const customerId of [forgotten, kept, byCli]) {
      const canonical = canonicalJson({ endpoint: 'POST /v1/payments', params: {}, body: body(customerId) });
      const guess = createHash('sha256').update(canonical).digest('hex');
      const row = rows.find((r) => r.key === createKey[customerId])!;
      expect(row.request_hash).toMatch(/^rh1\.[\w-]+\.[\w-]{43}$/);
      expect(row.request_hash).not.toContain(guess);
    }
  });

  it('ledger audit replay opens personal fields for the auditor, logs the read, and shows the forgotten as forgotten', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'ledger-read-log-'));
    const replay = async (customerId: string) => {
      const run = await ledger(['audit', 'replay', '--stream', `payment-${paymentOf[customerId]}`], { ...env, LOG_DIR: logDir });
      expect(run.code).toBe(0);
      return { created: JSON.parse(run.stdout.split('\n')[0]) as { data: { description: string } }, stderr: run.stderr };
    };
    const keptRun = await replay(kept);
    expect(keptRun.created.data.description).toBe(body(kept).description);
    expect(keptRun.stderr).toMatch(/^personal data of 1 payment read by \S+@cli; each read is in the read log .*ledger-cli\.log$/m);
    const [read] = readFileSync(join(logDir, 'ledger-cli.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(read).toMatchObject({
      msg: 'personal data read',
      paymentId: paymentOf[kept],
      actor: expect.stringMatching(/@cli$/),
      time: expect.any(Number),
    });
    expect((await replay(forgotten)).created.data.description).toBe(FORGOTTEN);
    const stored = await ledger(['audit', 'replay', '--stream', `payment-${paymentOf[kept]}`, '--as-stored'], env);
    expect(stored.stdout).not.toContain(body(kept).description);
  });

  it('shows dashboard:read no personal data: withheld while the key lives, forgotten after', async () => {
    await project(api.db.pool, new PostgresEventStore(api.db.pool));
    const res = await call(api, 'GET', '/v1/dashboard/recent-events?limit=200', { key: api.keys['dashboard:read'] });
    expect(res.status).toBe(200);
    const created = (customerId: string) =>
      (res.body as { type: string; data: { customerId?: string; description?: string } }[]).find(
        (e) => e.type === 'PaymentCreated' && e.data.customerId === customerId,
      )!;
    expect(created(forgotten).data.description).toBe(FORGOTTEN);
    expect(created(kept).data.description).toBe('[personal data]');
    expect(res.text).not.toContain(body(kept).description);
    expect(res.text).not.toContain('pd1:');
  });

  it('ledger customers forget does the same from the command line', async () => {
    const run = await ledger(['customers', 'forget', byCli, '--actor', 'dpo@example'], env);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(new RegExp(`^forgot customer ${byCli} at .*: 1 data key\\(s\\) destroyed`));
    expect(run.code).toBe(0);
    expect((await view(byCli)).description).toBe(FORGOTTEN);
    expect((await ledger(['customers', 'forget', 'bad;id'], env)).code).toBe(2);
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

  it('still refuses a retry of the forgotten request once the customer pays again under a new key (issue 33: hashed before the record is read)', async () => {
    const again = await call(api, 'POST', '/v1/payments', {
      key: api.keys['payments:write'],
      headers: { 'idempotency-key': randomUUID() },
      body: { ...body(forgotten), description: 'Paid again' },
    });
    expect(again.status).toBe(201);
    const keys = await api.db.pool.query(`SELECT 1 FROM ledger.data_keys WHERE owner = $1`, [`customer:${forgotten}`]);
    expect(keys.rowCount).toBe(1);
    const retry = (path: string, requestBody: unknown) =>
      call(api, 'POST', path, { key: api.keys['payments:write'], headers: { 'idempotency-key': createKey[forgotten] }, body: requestBody });
    // The same create, and another request under the same key: neither can be told from the forgotten one any more.
    for (const res of [await retry('/v1/payments', body(forgotten)), await retry('/v1/payments', { ...body(forgotten), amount: 1 })]) {
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('idempotency_key_forgotten');
    }
    const { rows } = await api.db.pool.query(`SELECT 1 FROM event_store.events WHERE stream_id = $1`, [`payment-${paymentOf[forgotten]}`]);
    expect(rows).toHaveLength(2);
    // The kept customer's create still replays, through the claim rather than a lookup before it.
    const replay = await call(api, 'POST', '/v1/payments', {
      key: api.keys['payments:write'],
      headers: { 'idempotency-key': createKey[kept] },
      body: body(kept),
    });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.text).toBe(created[kept]);
  });
});

describe('ledger keys rotate', () => {
  let api: ApiHarness;
  const OLD = MASTER;
  const NEW = 'Zq8Wm3Xr6Tp1Lk9Vb4Nc7Hd2Jf5Gs0Ae#';
  const customers = [`cust-${randomUUID()}`, `cust-${randomUUID()}`, `cust-${randomUUID()}`];
  const payments: string[] = [];

  beforeAll(async () => {
    api = await startApiHarness({ env: { ENCRYPTION_KEY: OLD } });
    for (const customerId of customers) {
      const res = await call(api, 'POST', '/v1/payments', {
        key: api.keys['payments:write'],
        headers: { 'idempotency-key': randomUUID() },
        body: { provider: 'stripe', amount: 900, currency: 'USD', customerId, description: `gift for ${customerId}` },
      });
      payments.push(res.body.paymentId as string);
    }
    await ledger(['customers', 'forget', customers[0]], { DATABASE_URL: api.db.url, ENCRYPTION_KEY: OLD });
  }, 60_000);

  afterAll(() => api.close());

  it('re-wraps every data key under the new master key without touching events, resumably, and still decrypts', async () => {
    const env = { DATABASE_URL: api.db.url, ENCRYPTION_KEY: `k2:${NEW},k1:${OLD}` };
    const eventsBefore = await api.db.pool.query(`SELECT data, metadata FROM event_store.events ORDER BY global_position`);
    // A crash after the first batch: one key under k2, the other still under k1.
    const first = await ledger(['keys', 'rotate', '--batch', '1'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^keys rotate: 2 data keys re-wrapped; all 2 are now under master key k2; k1 may now be removed/);
    const again = await ledger(['keys', 'rotate'], env);
    expect(again.stdout).toMatch(/^keys rotate: 0 data keys re-wrapped; all 2 are now under master key k2/);
    const { rows } = await api.db.pool.query<{ master_key_id: string; wrapped: string }>(
      `SELECT master_key_id, wrapped FROM ledger.data_keys`,
    );
    expect(rows.map((r) => r.master_key_id)).toEqual(['k2', 'k2']);
    expect(rows.every((r) => r.wrapped.startsWith('v1.k2.'))).toBe(true);
    const eventsAfter = await api.db.pool.query(`SELECT data, metadata FROM event_store.events ORDER BY global_position`);
    expect(eventsAfter.rows).toEqual(eventsBefore.rows);

    // The new master key alone still opens the customers not forgotten.
    const open = new PersonalDataCipher(new DataKeyStore(api.db.pool, parseMasterKey(`k2:${NEW}`))).opener();
    for (const [i, paymentId] of payments.entries()) {
      const { rows: created } = await api.db.pool.query<{ data: unknown; metadata: unknown }>(
        `SELECT data, metadata FROM event_store.events WHERE stream_id = $1 AND revision = 0`,
        [`payment-${paymentId}`],
      );
      const opened = await openPersonalFields(created[0], open);
      expect((opened.data as { description: string }).description).toBe(i === 0 ? FORGOTTEN : `gift for ${customers[i]}`);
    }
  }, 60_000);
});
