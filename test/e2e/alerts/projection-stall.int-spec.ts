import type { PoolClient } from 'pg';
import { AlertTicker } from '@ledger/monitoring';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { projectionStatus } from '../../../libs/projections/src/rebuild/projection-status';
import { appendPayment, waitFor } from './support/payments';
import { startPipeline, type Pipeline } from './support/pipeline';

// Short: while it is held, every projector on this server (other test files too) waits.
const STALL_AFTER_MS = 1_500;
const APPLICATION = 'stall-test-analyst';

let p: Pipeline;
let ticker: AlertTicker;
let other: TestDatabase;
beforeAll(async () => {
  p = await startPipeline({ env: { PROJECTION_STALL_AFTER: `${STALL_AFTER_MS}ms` } });
  ticker = new AlertTicker(p.db.pool, p.settings, 200);
  ticker.start();
  other = await createTestDatabase(2);
});
afterAll(async () => {
  await ticker.stop();
  await other.drop();
  await p.stop();
});

const stalled = (kind: string) => p.webhook.received.filter((r) => r.alert.rule === 'projection_stalled' && r.alert.kind === kind);
const ledgerLag = async () => (await projectionStatus(p.db.pool, p.store)).find((s) => s.name === 'ledger')!.lag;

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
  });
});
