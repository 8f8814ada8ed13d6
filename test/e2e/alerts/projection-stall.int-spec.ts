import type { PoolClient } from 'pg';
import { AlertTicker, createAlertHook, timedRules, type AlertPayload } from '@ledger/monitoring';
import { lastTrustedWebhooks } from '@ledger/provider-webhooks';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
// Direct files: the @ledger/projections index also loads the Nest dashboard module.
import { DashboardQueries } from '../../../libs/projections/src/dashboard/dashboard-queries';
import { alertReadModels } from '../../../libs/projections/src/health/alert-read-models';
import { ledgerProjection } from '../../../libs/projections/src/ledger/ledger-projection';
import { waitingPayments } from '../../../libs/projections/src/payments/providers.query';
import { PROJECTIONS } from '../../../libs/projections/src/projections';
import { projectionStatus } from '../../../libs/projections/src/rebuild/projection-status';
import { ProjectionRunner } from '../../../libs/projections/src/runner/projection-runner';
import { appendPayment, waitFor } from './support/payments';
import { startPipeline, type Pipeline } from './support/pipeline';

// Short: while it is held, every projector on this server (other test files too) waits.
const STALL_AFTER_MS = 1_500;
const TICK_MS = 200;
const APPLICATION = 'stall-test-analyst';

let p: Pipeline;
let ticker: AlertTicker;
let other: TestDatabase;
let queries: DashboardQueries;
/** How many times the ticker has read the projections: a tick that ran. */
let reads = 0;
beforeAll(async () => {
  // Every projection of the registry runs, as in apps/projector: the rule watches them all.
  p = await startPipeline({ env: { PROJECTION_STALL_AFTER: `${STALL_AFTER_MS}ms` }, projections: Object.values(PROJECTIONS) });
  // As apps/alert-worker wires it: the projections' progress read through @ledger/projections.
  const rules = timedRules({
    projectionProgress: async (now) => {
      reads += 1;
      return projectionStatus(p.db.pool, p.store, now);
    },
    waitingPayments,
    lastWebhooks: lastTrustedWebhooks,
  });
  ticker = new AlertTicker(p.db.pool, p.settings, TICK_MS, rules);
  ticker.start();
  queries = new DashboardQueries(p.db.pool, { store: p.store, suspiciousAmounts: {}, stallAfterMs: STALL_AFTER_MS });
  other = await createTestDatabase(2);
});
afterAll(async () => {
  await ticker.stop();
  await other.drop();
  await p.stop();
});

const stalled = (kind: string) => p.webhook.received.filter((r) => r.alert.rule === 'projection_stalled' && r.alert.kind === kind);
const ledgerLag = async () => (await projectionStatus(p.db.pool, p.store)).find((s) => s.name === 'ledger')!.lag;
/** projection_stalled alerts written to the outbox, in order. */
const outboxStalls = async (kind: string) =>
  (
    await p.db.pool.query<{ payload: AlertPayload }>(
      `SELECT payload FROM monitoring.alert_outbox WHERE payload->>'rule' = 'projection_stalled' AND payload->>'kind' = $1 ORDER BY id`,
      [kind],
    )
  ).rows.map((r) => r.payload);
/** Resolves once the ticker has run `n` more ticks: a stall alert that was going to repeat has had its chance. */
const ticks = async (n: number) => {
  const target = reads + n;
  await waitFor(async () => reads >= target, `${n} more ticks`);
};

describe('a transaction held open in another database', () => {
  let analyst: PoolClient;
  let heldAt: number;

  it('shows as lag and horizon age, and raises a critical projection_stalled alert naming it within PROJECTION_STALL_AFTER + 5 s', async () => {
    analyst = await other.pool.connect();
    await analyst.query(`SET application_name = '${APPLICATION}'`);
    await analyst.query('BEGIN');
    // What an analyst's `CREATE TEMP TABLE` does: the transaction takes an id, and with it the server-wide horizon.
    await analyst.query('SELECT pg_current_xact_id()');
    heldAt = Date.now();
    const paymentId = await appendPayment(p.store, { provider: 'stripe' });

    const lag = await waitFor(
      async () => {
        const l = await ledgerLag();
        return l.positionsBehind > 0 && l.horizonAgeSeconds! > 0 && l.horizonHolder?.application === APPLICATION && l;
      },
      'status to show the held horizon',
      STALL_AFTER_MS + 5_000,
    );
    expect(lag.positionsBehind).toBe(3);
    expect(lag.horizonHolder).toMatchObject({ application: APPLICATION, database: other.name });
    const { rows } = await p.db.pool.query(`SELECT 1 FROM read_models.payments WHERE payment_id = $1`, [paymentId]);
    expect(rows).toHaveLength(0);

    await waitFor(async () => stalled('raised').length > 0, 'the stall alert at the webhook', heldAt + STALL_AFTER_MS + 5_000 - Date.now());
    const { alert } = stalled('raised')[0];
    expect(alert).toMatchObject({
      severity: 'critical',
      provider: null,
      details: { application: APPLICATION, database: other.name, pid: expect.any(Number) },
    });
    expect(Number(alert.details?.ageSeconds)).toBeGreaterThanOrEqual(STALL_AFTER_MS / 1000);
    expect(alert.title).toContain(`pid ${alert.details?.pid} (${APPLICATION}`);
    // One alert for the whole stall: both projections are blind above the horizon, and the title lists them.
    expect(alert.title).toMatch(/^projections stalled: .*ledger \(3 events waiting for \d+ s\)/);
    expect(alert.title).toContain('audit_trail (3 events waiting for');
    expect(String(alert.details?.projections).split(',').sort()).toEqual(Object.keys(PROJECTIONS).sort());

    // The dashboard's health, by the same definition, names the holder too.
    const health = await queries.health();
    expect(health.status).toBe('unhealthy');
    expect(health.issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^projection ledger stalled: 3 events waiting for \\d+ s, behind the read horizon held by pid \\d+ \\(${APPLICATION}`),
        ),
      ]),
    );
  });

  it('resolves when the transaction ends, and the projector catches up', async () => {
    await analyst.query('COMMIT');
    analyst.release();
    await waitFor(async () => stalled('recovered').length > 0, 'the stall recovery at the webhook');
    expect(stalled('recovered')[0].alert.resolves).toBe(stalled('raised')[0].alert.id);
    expect(stalled('raised')).toHaveLength(1);
    await waitFor(async () => (await ledgerLag()).positionsBehind === 0, 'the projector to catch up');
    const stored = await p.alerts();
    expect(stored.find((a) => a.id === stalled('raised')[0].alert.id)?.status).toBe('resolved');
    await waitFor(async () => (await queries.health()).status === 'healthy', 'the health to be healthy again');
  });
});

describe('a projector that died while payments keep coming (its checkpoint stops; no horizon is held)', () => {
  let traffic: Promise<void> | undefined;
  let appending = false;
  let raisedBefore = 0;
  let recoveredBefore = 0;
  let restarted: ProjectionRunner | undefined;
  afterAll(async () => {
    appending = false;
    await traffic;
    await restarted?.stop();
  });

  it('is stalled for the health and raises exactly one projection_stalled alert within PROJECTION_STALL_AFTER + tick + 5 s', async () => {
    raisedBefore = (await outboxStalls('raised')).length;
    recoveredBefore = (await outboxStalls('recovered')).length;
    await p.runner.stop(); // the ledger projection's only runner: what a SIGKILL of the projector leaves
    const stoppedAt = Date.now();
    appending = true;
    traffic = (async () => {
      while (appending) {
        await appendPayment(p.store, { provider: 'paystack' });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const health = await waitFor(
      async () => {
        const h = await queries.health();
        return h.status === 'unhealthy' && h.issues.some((i) => i.startsWith('projection ledger stalled')) && h;
      },
      'the health to list the stalled projection',
      STALL_AFTER_MS + 5_000,
    );
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(STALL_AFTER_MS);
    expect(health.issues[0]).toMatch(/^projection ledger stalled: \d+ events waiting for \d+ s$/);
    // audit_trail kept moving: not stalled, however many events wait behind it at any instant.
    expect(health.issues.join('\n')).not.toContain('audit_trail');
    const ledger = (await queries.projections()).find((s) => s.name === 'ledger')!;
    expect(ledger.stall).toMatchObject({ stalled: true, horizon: null });
    expect(ledger.stall.waitedSeconds).toBeGreaterThanOrEqual(STALL_AFTER_MS / 1000);

    const raised = await waitFor(
      async () => {
        const all = await outboxStalls('raised');
        return all.length > raisedBefore && all.slice(raisedBefore);
      },
      'the stall alert in the outbox',
      stoppedAt + STALL_AFTER_MS + TICK_MS + 5_000 - Date.now(),
    );
    expect(raised[0]).toMatchObject({ severity: 'critical', provider: null, details: { projections: 'ledger' } });
    expect(raised[0].title).toMatch(/^projection stalled: ledger \(\d+ events waiting for \d+ s\)$/);
    expect(Number(raised[0].details?.['ledger.eventsWaiting'])).toBeGreaterThan(0);

    // Still stalled, events still arriving, the ticker ticking: one alert for the stall, no repeat.
    await ticks(5);
    expect((await queries.health()).status).toBe('unhealthy');
    expect(await outboxStalls('raised')).toHaveLength(raisedBefore + 1);
  });

  it('recovers at once when the projection catches up, and the health is healthy again', async () => {
    restarted = new ProjectionRunner({
      pool: p.db.pool,
      store: p.store,
      projection: ledgerProjection,
      onBatch: createAlertHook(p.settings, alertReadModels),
    });
    void restarted.run();
    const recovered = await waitFor(async () => {
      const all = await outboxStalls('recovered');
      return all.length > recoveredBefore && all.slice(recoveredBefore);
    }, 'the stall recovery in the outbox');
    const raised = (await outboxStalls('raised')).slice(raisedBefore);
    expect(raised).toHaveLength(1);
    expect(recovered).toEqual([expect.objectContaining({ resolves: raised[0].id, kind: 'recovered' })]);
    appending = false;
    await traffic;
    await waitFor(async () => (await ledgerLag()).positionsBehind === 0, 'the projector to catch up');
    await waitFor(async () => (await queries.health()).status === 'healthy', 'the health to be healthy again');
  });
});
