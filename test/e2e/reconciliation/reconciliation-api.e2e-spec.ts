import { PostgresEventStore, type Position } from '@ledger/event-store';
import { reconciliationProjection } from '@ledger/reconciliation';
import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';
import { generateMonth } from '../../../libs/reconciliation/src/testing/generate-month';
import { insertEvents, projectAll } from '../../../libs/reconciliation/src/testing/project-all';

describe('Reconciliation API (CONTRACT.md › Reconciliation)', () => {
  let api: ApiHarness;
  let store: PostgresEventStore;
  const month = generateMonth({ payments: 600, plantedPerKind: 2 });
  const projection = reconciliationProjection();
  const csv = { 'content-type': 'text/csv' };
  let applied: Position | undefined;

  beforeAll(async () => {
    api = await startApiHarness();
    store = new PostgresEventStore(api.db.pool, { pollIntervalMs: 5 });
    await insertEvents(api.db.pool, [...month.paymentEvents, ...month.payoutStatusEvents]);
  });

  afterAll(async () => {
    await store.close();
    await api.close();
  });

  it('imports with finance:write only, the same file again appends nothing, then shows the summary and the breaks to books:read', async () => {
    const path = '/v1/reconciliation/imports?provider=stripe&format=csv';
    expect((await call(api, 'POST', path, { key: api.keys['books:read'], body: month.stripeCsv, headers: csv })).status).toBe(403);
    expect((await call(api, 'POST', path, { body: month.stripeCsv, headers: csv })).status).toBe(401);
    const first = await call(api, 'POST', path, { key: api.keys['finance:write'], body: month.stripeCsv, headers: csv });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ importId: expect.stringMatching(/^imp_/), lines: expect.any(Number), newLines: first.body.lines });
    const again = await call(api, 'POST', path, { key: api.keys['finance:write'], body: month.stripeCsv, headers: csv });
    expect(again.body).toEqual({ importId: first.body.importId, lines: first.body.lines, newLines: 0 });
    const paystack = await call(api, 'POST', '/v1/reconciliation/imports?provider=paystack&format=json', {
      key: api.keys['finance:write'],
      body: JSON.stringify(month.paystackJson),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(paystack.status).toBe(201);
    const small = await call(api, 'POST', '/v1/reconciliation/imports?provider=stripe&format=json', {
      key: api.keys['finance:write'],
      body: month.stripeJsonFiles[0],
    });
    expect(small.status).toBe(201);
    applied = await projectAll(api.db.pool, store, projection);

    const summary = await call(api, 'GET', '/v1/reconciliation/summary?provider=stripe&currency=USD', { key: api.keys['books:read'] });
    expect(summary.status).toBe(200);
    expect(summary.body).toEqual([
      expect.objectContaining({ provider: 'stripe', currency: 'USD', reportedVolume: String(month.volumes.get('stripe|USD')?.reported) }),
    ]);
    expect(Number(summary.body[0].reconciledShare)).toBeLessThan(1);
    expect(summary.body[0].openBreaks).toBeGreaterThan(0);

    const breaks = await call(api, 'GET', '/v1/reconciliation/breaks?status=open&kind=unknown_to_ledger', { key: api.keys['books:read'] });
    expect(breaks.status).toBe(200);
    expect(breaks.body.length).toBeGreaterThan(0);
    expect(breaks.body[0]).toEqual(
      expect.objectContaining({
        breakId: expect.stringMatching(/^brk_/),
        kind: 'unknown_to_ledger',
        status: 'open',
        providerAmount: expect.any(String),
      }),
    );
    expect((await call(api, 'GET', '/v1/reconciliation/breaks?kind=nonsense', { key: api.keys['books:read'] })).status).toBe(400);
  });

  it('resolves a break once, naming an account of the chart, with its actor and note', async () => {
    const [open] = (await call(api, 'GET', '/v1/reconciliation/breaks?status=open', { key: api.keys['books:read'] })).body as {
      breakId: string;
      provider: string;
    }[];
    const resolve = (body: unknown, key = api.keys['finance:write']) =>
      call(api, 'POST', `/v1/reconciliation/breaks/${open.breakId}/resolve`, { key, body });
    expect((await resolve({ account: 'expense:fees:stripe', note: 'x' }, api.keys['books:read'])).status).toBe(403);
    expect((await resolve({ account: 'nowhere', note: 'x' })).status).toBe(400);
    const done = await resolve({ account: `expense:fees:${open.provider}`, note: 'agreed with the provider' });
    expect(done.status).toBe(200);
    expect(done.body).toEqual(
      expect.objectContaining({ status: 'resolved', account: `expense:fees:${open.provider}`, actor: api.keyIds['finance:write'] }),
    );
    expect((await resolve({ account: `expense:fees:${open.provider}`, note: 'again' })).status).toBe(409);
    await projectAll(api.db.pool, store, projection, applied);
    const resolved = await call(api, 'GET', '/v1/reconciliation/breaks?status=resolved', { key: api.keys['books:read'] });
    expect(resolved.body).toEqual([
      expect.objectContaining({ breakId: open.breakId, closedBy: 'resolution', note: 'agreed with the provider' }),
    ]);
    expect(
      (
        await call(api, 'POST', '/v1/reconciliation/breaks/brk_none/resolve', {
          key: api.keys['finance:write'],
          body: { account: 'suspense:stripe', note: 'n' },
        })
      ).status,
    ).toBe(404);
  });
});
