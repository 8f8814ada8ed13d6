import { createHash, randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@ledger/event-store';
import { FORGOTTEN } from '@ledger/security';
import { canonicalJson } from '../../../apps/ledger-api/src/idempotency/hashing';
import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';
import { ledger, project } from '../cli/support/cli';

const MASTER = 'Hq4Wz8Lr2Nx6Vp0Tb3Mc7Jd1Fg5Ks9Ae%';

/**
 * Issue 29, case 2 (free text sealed) and the Done-when scan: after `customers forget`, nothing of the customer
 * written after the change is readable anywhere: every table of every schema, the API's log lines, the hashes.
 */
describe('free text sealed under the customer key, and nothing left after forget', () => {
  let api: ApiHarness;
  let env: NodeJS.ProcessEnv;
  const run = randomUUID().slice(0, 8);
  const email = `carol.${run}@example.com`;
  const text = {
    description: `Anniversary roses for Carol ${run}`,
    metadata: `flat 3, 12 Mercer Street ${run}`,
    errorMessage: `card of Carol ${run} declined at the till`,
    refund: `Carol ${run} changed her mind`,
    fraud: `Carol ${run} seen on a stolen-card list`,
    dispute: `Carol ${run} says she never ordered`,
  };
  const bodies: { endpoint: string; params: Record<string, string>; body: unknown }[] = [];
  const paymentIds: string[] = [];
  let token = '';

  const send = async (endpoint: string, path: string, params: Record<string, string>, body: Record<string, unknown>) => {
    const res = await call(api, 'POST', path, { key: api.keys['payments:write'], headers: { 'idempotency-key': randomUUID() }, body });
    expect(res.status).toBeLessThan(300);
    bodies.push({ endpoint, params, body });
    return res;
  };
  const command = (id: string, tail: string, body: Record<string, unknown>) =>
    send(`POST /v1/payments/:id/${tail}`, `/v1/payments/${id}/${tail}`, { id }, body);
  const create = async () => {
    const body = {
      provider: 'stripe',
      amount: 5000,
      currency: 'EUR',
      customerId: email,
      description: text.description,
      metadata: { address: text.metadata },
    };
    const res = await send('POST /v1/payments', '/v1/payments', {}, body);
    token = res.body.customerId as string;
    paymentIds.push(res.body.paymentId as string);
    return res.body.paymentId as string;
  };
  const eventsOf = async (paymentId: string) =>
    (await call(api, 'GET', `/v1/payments/${paymentId}/events`, { key: api.keys['payments:read'] })).body as { type: string; data: any }[];

  /** A payment stored straight into the log, as before free text was sealed: created, then flagged with a reason in clear. */
  const appendRaw = (paymentId: string, reason: string) => {
    const at = new Date().toISOString();
    const metadata = { actor: 'test', correlationId: run, causationId: run, occurredAt: at, schemaVersion: 1 };
    return new PostgresEventStore(api.db.pool).appendToStream(
      `payment-${paymentId}`,
      [
        {
          eventId: randomUUID(),
          type: 'PaymentCreated',
          data: { paymentId, provider: 'stripe', amount: 100, currency: 'EUR', createdAt: at },
          metadata,
        },
        { eventId: randomUUID(), type: 'PaymentFraudFlagged', data: { paymentId, reason, flaggedAt: at }, metadata },
      ],
      'no_stream',
    );
  };

  /** Every table of every schema, as text, and the API's log lines: where a value still is. */
  const whereIs = async (value: string): Promise<string[]> => {
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
    if (api.logs.some((line) => line.toLowerCase().includes(value.toLowerCase()))) hits.push('api log');
    return hits;
  };

  beforeAll(async () => {
    api = await startApiHarness({ env: { ENCRYPTION_KEY: MASTER } });
    env = { DATABASE_URL: api.db.url, ENCRYPTION_KEY: MASTER };
    // An event stored before free text was sealed: kept as it is (the log is never rewritten), counted by the report.
    await appendRaw(`legacy-${run}`, 'stored in clear before');
    const failed = await create();
    await command(failed, 'processing', {});
    await command(failed, 'failure', { errorCode: 'card_declined', errorMessage: text.errorMessage });
    const paid = await create();
    await command(paid, 'processing', {});
    await command(paid, 'success', { providerPaymentId: `pi_${run}` });
    await command(paid, 'refunds', { amount: 1000, reason: text.refund });
    await command(paid, 'fraud-flags', { reason: text.fraud, score: 80 });
    await command(paid, 'disputes', { reason: text.dispute, amount: 2000 });
    await project(api.db.pool, new PostgresEventStore(api.db.pool));
  }, 60_000);

  afterAll(() => api.close());

  it('stores errorMessage and every reason sealed: events, audit trail, read_models.payments.error_message; errorCode clear', async () => {
    for (const value of [text.errorMessage, text.refund, text.fraud, text.dispute]) expect(await whereIs(value)).toEqual([]);
    const { rows } = await api.db.pool.query<{ error_code: string; error_message: string }>(
      `SELECT error_code, error_message FROM read_models.payments WHERE payment_id = $1`,
      [paymentIds[0]],
    );
    expect(rows[0].error_code).toBe('card_declined');
    expect(rows[0].error_message).toMatch(/^pd1:v1\./);
    const reasons = await api.db.pool.query<{ reason: string }>(
      `SELECT data->>'reason' AS reason FROM event_store.events WHERE stream_id = $1 AND data ? 'reason'`,
      [`payment-${paymentIds[1]}`],
    );
    expect(reasons.rows).toHaveLength(3);
    for (const r of reasons.rows) expect(r.reason).toMatch(/^pd1:v1\./);
  });

  it('takes errorCode only as an identifier, stored in clear: free text there is 400 and changes nothing', async () => {
    const paymentId = paymentIds[1];
    const before = await api.db.pool.query(`SELECT count(*)::int AS n FROM event_store.events`);
    const res = await call(api, 'POST', `/v1/payments/${paymentId}/failure`, {
      key: api.keys['payments:write'],
      headers: { 'idempotency-key': randomUUID() },
      body: { errorCode: `Carol ${run} has no funds` },
    });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'validation_failed', details: [{ path: 'errorCode' }] } } });
    expect(res.text).not.toContain('Carol');
    const after = await api.db.pool.query(`SELECT count(*)::int AS n FROM event_store.events`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('shows the opened values to the readers that may read them while the key lives', async () => {
    const failed = await eventsOf(paymentIds[0]);
    expect(failed.find((e) => e.type === 'PaymentFailed')!.data).toMatchObject({
      errorCode: 'card_declined',
      errorMessage: text.errorMessage,
    });
    const paid = await eventsOf(paymentIds[1]);
    expect(paid.map((e) => e.data.reason).filter(Boolean)).toEqual([text.refund, text.fraud, text.dispute]);
    const replay = await ledger(['audit', 'replay', '--stream', `payment-${paymentIds[1]}`], env);
    expect(replay.code).toBe(0);
    for (const value of [text.refund, text.fraud, text.dispute]) expect(replay.stdout).toContain(value);
    const recent = await call(api, 'GET', '/v1/dashboard/recent-events?limit=200', { key: api.keys['dashboard:read'] });
    expect(recent.status).toBe(200);
    for (const value of [text.errorMessage, text.refund, text.fraud, text.dispute]) expect(recent.text).not.toContain(value);
    expect(recent.text).not.toContain('pd1:');
  });

  it('after forget, the readers show the placeholder, and no table, log or hash holds any of the original values', async () => {
    const forget = await call(api, 'POST', `/v1/customers/${encodeURIComponent(email)}/forget`, {
      key: api.keys.admin,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(forget.status).toBe(200);
    expect(forget.body).toMatchObject({ customerId: token, keysDestroyed: 1 });
    await project(api.db.pool, new PostgresEventStore(api.db.pool));

    const failed = await eventsOf(paymentIds[0]);
    expect(failed.find((e) => e.type === 'PaymentFailed')!.data).toMatchObject({ errorCode: 'card_declined', errorMessage: FORGOTTEN });
    expect((await eventsOf(paymentIds[1])).map((e) => e.data.reason).filter(Boolean)).toEqual([FORGOTTEN, FORGOTTEN, FORGOTTEN]);
    const replay = await ledger(['audit', 'replay', '--stream', `payment-${paymentIds[1]}`], env);
    expect(replay.stdout).toContain(FORGOTTEN);
    const recent = await call(api, 'GET', '/v1/dashboard/recent-events?limit=200', { key: api.keys['dashboard:read'] });
    expect(recent.text).toContain(FORGOTTEN);

    const originals = [email, text.description, text.metadata, text.errorMessage, text.refund, text.fraud, text.dispute];
    // The unsalted SHA-256 of each canonical request, as the idempotency hash was before, must be nowhere either.
    const hashes = bodies.map((b) => createHash('sha256').update(canonicalJson(b)).digest('hex'));
    // ...nor that of the body as the server saw it (the customer id replaced by its token).
    const asSeen = bodies.map((b) => {
      const body = b.body as Record<string, unknown>;
      const seen = body.customerId === undefined ? body : { ...body, customerId: token };
      return createHash('sha256')
        .update(canonicalJson({ ...b, body: seen }))
        .digest('hex');
    });
    for (const value of [...originals, ...hashes, ...asSeen]) expect({ value, at: await whereIs(value) }).toEqual({ value, at: [] });
    expect(await whereIs(token)).toEqual(expect.arrayContaining(['event_store.events'])); // the scan sees what is there
  });

  it('ledger audit report counts the stored events whose free text is still in clear: a warning before sealing began, a violation after', async () => {
    const before = await ledger(['audit', 'report', '--days', '3650'], env);
    expect(before.stdout).toMatch(/free text sealed.*1 events stored before free text was sealed hold errorMessage or reason in clear/);
    await appendRaw(`late-${run}`, 'in clear after');
    const after = await ledger(['audit', 'report', '--days', '3650'], env);
    expect(after.stdout).toMatch(/free text sealed.*1 events hold free text in clear after free text was first sealed/);
    expect(after.code).toBe(1);
  });
});
