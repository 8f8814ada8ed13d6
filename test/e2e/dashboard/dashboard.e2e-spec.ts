import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@ledger/event-store';
import { PROJECTIONS, ProjectionRunner } from '@ledger/projections';
import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';
import { waitForProjections } from '../projections/support/harness';

const STALL_AFTER_MS = 1_500;

/** Polls until `probe` answers something truthy; fails naming `what` after `timeoutMs`. */
async function until<T>(probe: () => Promise<T | false | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Dashboard API', () => {
  let api: ApiHarness;
  let runners: ProjectionRunner[];

  const command = (path: string, body: unknown) =>
    call(api, 'POST', path, { key: api.keys['payments:write'], body, headers: { 'idempotency-key': randomUUID() } });

  async function pay(
    provider: string,
    amount: number,
    currency: string,
    outcome: 'succeed' | 'fail' | 'refund',
    errorCode = 'card_declined',
  ) {
    const paymentId = `dash_${randomUUID().slice(0, 8)}`;
    expect((await command('/v1/payments', { paymentId, provider, amount, currency, customerId: 'cus_1' })).status).toBe(201);
    expect((await command(`/v1/payments/${paymentId}/processing`, {})).status).toBe(200);
    if (outcome === 'fail') {
      expect((await command(`/v1/payments/${paymentId}/failure`, { errorCode, processingTimeMs: 700 })).status).toBe(200);
      return;
    }
    expect((await command(`/v1/payments/${paymentId}/success`, { processingTimeMs: 300 })).status).toBe(200);
    if (outcome === 'refund') expect((await command(`/v1/payments/${paymentId}/refunds`, { amount: 500 })).status).toBe(201);
  }

  let store: PostgresEventStore;
  beforeAll(async () => {
    api = await startApiHarness({ env: { PROJECTION_STALL_AFTER: `${STALL_AFTER_MS}ms` } });
    store = new PostgresEventStore(api.db.pool, { pollIntervalMs: 10 });
    await pay('stripe', 1999, 'USD', 'succeed');
    await pay('stripe', 2500, 'USD', 'refund');
    await pay('stripe', 1000, 'USD', 'fail', 'insufficient_funds');
    await pay('paystack', 500000, 'NGN', 'succeed');
    await pay('paystack', 300, 'JPY', 'fail');
    runners = Object.values(PROJECTIONS).map((projection) => new ProjectionRunner({ pool: api.db.pool, store, projection }));
    for (const runner of runners) void runner.run();
    await waitForProjections(api.db.pool, store);
  });

  afterAll(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    await api.close();
  });

  const get = (path: string, key = api.keys['dashboard:read']) => call(api, 'GET', path, { key });

  describe('GET /v1/dashboard/payments', () => {
    it('answers every part from the read models, money per currency as decimal strings', async () => {
      const res = await get('/v1/dashboard/payments');
      expect(res.status).toBe(200);
      const { metrics, breakdown, errors, failedPayments, recentEvents, health, volumeOverTime } = res.body;
      expect(metrics.provider).toBeNull();
      expect(metrics.counts).toMatchObject({ total: 5, succeeded: 3, failed: 2, refunded: 1, pending: 0, processing: 0, disputed: 0 });
      const usd = metrics.volumes.find((v: { currency: string }) => v.currency === 'USD');
      expect(usd).toEqual({
        currency: 'USD',
        total: '5499',
        succeeded: '4499',
        refunded: '500',
        disputed: '0',
        disputeLosses: '0',
        net: '3999',
      });
      expect(metrics.volumes.find((v: { currency: string }) => v.currency === 'NGN').succeeded).toBe('500000');
      expect(metrics.rates).toEqual({ success: 60, failure: 40, refund: 33.33 });
      expect(breakdown).toMatchObject({ succeeded: 2, failed: 2, partially_refunded: 1, refunded: 0 });
      expect(errors).toEqual(
        expect.arrayContaining([
          { code: 'card_declined', count: 1 },
          { code: 'insufficient_funds', count: 1 },
        ]),
      );
      expect(failedPayments).toHaveLength(2);
      expect(recentEvents.length).toBeGreaterThanOrEqual(15);
      expect(['healthy', 'degraded', 'unhealthy']).toContain(health.status);
      expect(volumeOverTime.map((b: { currency: string }) => b.currency).sort()).toEqual(['NGN', 'USD']);
      expect(res.headers.get('x-projection-lag-positions')).toBe('0');
      expect(res.headers.get('x-projection-lag-seconds')).toBe('0');
    });

    it('filters by provider and currency', async () => {
      const res = await get('/v1/dashboard/payments?provider=paystack&currency=NGN');
      expect(res.body.metrics.provider).toBe('paystack');
      expect(res.body.metrics.counts.total).toBe(1);
      expect(res.body.metrics.volumes).toEqual([
        { currency: 'NGN', total: '500000', succeeded: '500000', refunded: '0', disputed: '0', disputeLosses: '0', net: '500000' },
      ]);
    });
  });

  describe('GET /v1/dashboard/volume', () => {
    it('buckets succeeded payments by hour, per currency', async () => {
      const res = await get('/v1/dashboard/volume?granularity=hour&currency=USD');
      expect(res.status).toBe(200);
      expect(res.body).toEqual([{ bucketStart: expect.stringMatching(/T\d\d:00:00\.000Z$/), currency: 'USD', count: 2, volume: '4499' }]);
    });

    it('refuses a bad granularity or range with the fields named', async () => {
      const res = await get('/v1/dashboard/volume?granularity=week&from=yesterday');
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['from', 'granularity']);
    });

    it('buckets by minute (granularity=minute), the last 24 hours only: the same payments as the hour', async () => {
      const res = await get('/v1/dashboard/volume?granularity=minute&currency=USD');
      expect(res.status).toBe(200);
      const minutes = res.body as { bucketStart: string; count: number; volume: string }[];
      expect(minutes.length).toBeGreaterThan(0);
      for (const b of minutes) expect(b.bucketStart).toMatch(/T\d\d:\d\d:00\.000Z$/);
      expect(minutes.reduce((n, b) => n + b.count, 0)).toBe(2);
      expect(minutes.reduce((n, b) => n + BigInt(b.volume), 0n)).toBe(4499n);
      // Asked from long ago, served from 24 hours back: nothing older comes.
      const old = await get('/v1/dashboard/volume?granularity=minute&from=2000-01-01T00:00:00Z');
      expect(old.body).toEqual(await get('/v1/dashboard/volume?granularity=minute').then((r) => r.body));
      expect(old.body.every((b: { bucketStart: string }) => Date.parse(b.bucketStart) >= Date.now() - 86_400_000 - 60_000)).toBe(true);
    });
  });

  describe('GET /v1/dashboard/activity', () => {
    it('gives succeeded payments and failed attempts per minute and provider', async () => {
      const res = await get('/v1/dashboard/activity');
      expect(res.status).toBe(200);
      const minutes = res.body as { minuteStart: string; provider: string; succeeded: number; failed: number }[];
      const total = (provider: string, field: 'succeeded' | 'failed') =>
        minutes.filter((m) => m.provider === provider).reduce((n, m) => n + m[field], 0);
      expect([
        total('stripe', 'succeeded'),
        total('stripe', 'failed'),
        total('paystack', 'succeeded'),
        total('paystack', 'failed'),
      ]).toEqual([2, 1, 1, 1]);
      for (const m of minutes) expect(m.minuteStart).toMatch(/T\d\d:\d\d:00\.000Z$/);
      const stripe = await get('/v1/dashboard/activity?provider=stripe');
      expect(stripe.body.every((m: { provider: string }) => m.provider === 'stripe')).toBe(true);
      expect(
        (await get('/v1/dashboard/activity?provider=paypal&from=soon')).body.error.details.map((d: { path: string }) => d.path).sort(),
      ).toEqual(['from', 'provider']);
    });

    it("lists the currencies in use on the board, for the page's currency filter", async () => {
      const res = await get('/v1/dashboard/board');
      expect(res.body.currencies).toEqual(['JPY', 'NGN', 'USD']);
    });
  });

  describe('access', () => {
    it('needs dashboard:read', async () => {
      expect((await get('/v1/dashboard/health', api.keys['payments:read'])).status).toBe(403);
      expect((await call(api, 'GET', '/v1/dashboard/health')).status).toBe(401);
      const health = await get('/v1/dashboard/health');
      expect(health.status).toBe(200);
      expect(health.body).toHaveProperty('issues');
    });

    it('refuses an unknown filter value', async () => {
      const res = await get('/v1/dashboard/errors?provider=paypal');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    });
  });
  describe('a stalled projection (its projector gone while payments keep coming)', () => {
    const stalledIssue = /^projection ledger stalled: \d+ events waiting for \d+ s$/;

    it('makes GET /v1/dashboard/health, the payments health and the board unhealthy, naming it with its age', async () => {
      await Promise.all(runners.map((r) => r.stop()));
      const stoppedAt = Date.now();
      await pay('stripe', 1234, 'USD', 'succeed');
      const health = await until(
        async () => {
          const res = await get('/v1/dashboard/health');
          return res.body.status === 'unhealthy' && res.body;
        },
        'the health to say unhealthy',
        STALL_AFTER_MS + 5_000,
      );
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(STALL_AFTER_MS);
      expect(health.issues).toEqual([
        expect.stringMatching(stalledIssue),
        expect.stringMatching(/^projection audit_trail stalled: /),
        ...Object.keys(PROJECTIONS)
          .slice(2)
          .map((name) => expect.stringMatching(new RegExp(`^projection ${name} stalled: `))),
      ]);

      const payments = await get('/v1/dashboard/payments?provider=paystack');
      expect(payments.body.health).toMatchObject({
        status: 'unhealthy',
        issues: expect.arrayContaining([expect.stringMatching(stalledIssue)]),
      });

      const board = await get('/v1/dashboard/board');
      expect(board.status).toBe(200);
      for (const provider of ['stripe', 'paystack']) expect(board.body.health[provider].status).toBe('unhealthy');
      const ledger = board.body.projections.find((p: { name: string }) => p.name === 'ledger');
      expect(ledger.stall).toMatchObject({ stalled: true, eventsWaiting: 3, horizon: null });
      expect(ledger.stall.waitedSeconds).toBeGreaterThanOrEqual(STALL_AFTER_MS / 1000);
      expect(ledger.lag.positionsBehind).toBe(3);
    });

    it('is healthy again once the projections catch up', async () => {
      runners = Object.values(PROJECTIONS).map((projection) => new ProjectionRunner({ pool: api.db.pool, store, projection }));
      for (const runner of runners) void runner.run();
      await waitForProjections(api.db.pool, store);
      const health = await until(async () => {
        const res = await get('/v1/dashboard/health');
        return res.body.issues.every((i: string) => !i.startsWith('projection ')) && res.body;
      }, 'the stall to leave the health');
      expect(health.status).not.toBe('unhealthy');
      const board = await get('/v1/dashboard/board');
      expect(board.body.projections.map((p: { stall: { stalled: boolean } }) => p.stall.stalled)).toEqual(
        Object.keys(PROJECTIONS).map(() => false),
      );
    });
  });
});
