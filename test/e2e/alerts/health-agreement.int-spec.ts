import type { RecordedEvent } from '@ledger/event-store';
import { alertSettingsFromConfig, evaluateAlerts, type AlertSettings } from '@ledger/monitoring';
import { loadConfig } from '@ledger/platform';
import { DashboardQueries, alertReadModels } from '@ledger/projections';
import type { Provider } from '@ledger/payments-domain';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { providerHealth } from '../../../apps/ledger-cli/src/audit/report/health-check';

// Failures of 1000 decisions; stripe and paystack take them in opposite orders, so both providers cross every edge.
const FAILURES = [49, 50, 51, 100, 101];
const SEED = ['healthy', 'degraded', 'degraded', 'degraded', 'unhealthy'];
const VARIANTS = [
  { name: 'min_decisions 10 (default)', rules: '', expected: SEED },
  { name: 'no min_decisions', rules: 'min_decisions=0', expected: SEED },
  {
    name: 'min_decisions above the decisions',
    rules: 'min_decisions=2000',
    expected: ['healthy', 'healthy', 'healthy', 'healthy', 'healthy'],
  },
  { name: 'stripe alone on min_decisions 2000', rules: 'stripe.min_decisions=2000', expected: undefined },
];
const PROVIDERS = ['stripe', 'paystack'] as const;

const M = Date.parse('2026-03-02T10:00:00Z');
const at = (minutes: number, seconds = 30) => new Date(M + minutes * 60_000 + seconds * 1000);

function tick(now: Date): RecordedEvent {
  return {
    eventId: `tick-${now.getTime()}`,
    streamId: 'payment-tick',
    type: 'PaymentProcessing',
    revision: 0n,
    position: { commit: 0n, prepare: 0n },
    data: { paymentId: 'tick', startedAt: now.toISOString() },
    metadata: { occurredAt: now.toISOString() },
    recordedAt: now,
  };
}

describe('Health: the dashboard, the health alerts and the audit report agree', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  /** Runs the live alert hook's rules at `now`, then reads every surface for both providers. */
  async function surfacesAt(now: Date, settings: AlertSettings) {
    const tx = await db.pool.connect();
    try {
      await tx.query('BEGIN');
      await evaluateAlerts(tx, [tick(now)], { live: true, now }, settings, alertReadModels);
      await tx.query('COMMIT');
    } finally {
      tx.release();
    }
    const { rows } = await db.pool.query<{ provider: string; state: string; clear_since: Date | null }>(
      `SELECT provider, state, clear_since FROM monitoring.alert_state WHERE rule = 'health_status'`,
    );
    // A health alert that is clearing (waiting out ALERT_RECOVER_AFTER) already sees the provider healthy.
    const alerted = new Map(rows.map((r) => [r.provider, r.clear_since ? 'healthy' : r.state]));
    const audit = new Map((await providerHealth(db.pool, settings, now)).map((l) => [l.provider, l.status]));
    const queries = new DashboardQueries(db.pool, { suspiciousAmounts: {}, health: settings });
    const seen: Record<string, { dashboard: string; alerts: string; audit?: string }> = {};
    for (const provider of PROVIDERS)
      seen[provider] = {
        dashboard: (await queries.health(now, { provider })).status,
        alerts: alerted.get(provider) ?? 'healthy',
        audit: audit.get(provider),
      };
    return seen;
  }

  async function setFailures(failures: Record<Provider, number>) {
    await db.pool.query('TRUNCATE read_models.health_windows, monitoring.alert_state');
    for (const provider of PROVIDERS)
      await db.pool.query(
        `INSERT INTO read_models.health_windows (minute_start, provider, succeeded, failed, processing_time_sum_ms, processing_count, fraud_flags)
         VALUES ($1, $2, $3, $4, 100000, 1000, 0)`,
        [new Date(M).toISOString(), provider, 1000 - failures[provider], failures[provider]],
      );
  }

  describe.each(VARIANTS)('with $name', ({ rules, expected }) => {
    const settings = alertSettingsFromConfig(loadConfig({ ALERT_RULES: rules }));
    const all = (status: string) => ({ dashboard: status, alerts: status, audit: status });

    it.each(FAILURES.map((f, k) => [f, FAILURES[FAILURES.length - 1 - k], k] as const))(
      'stripe %i and paystack %i failures of 1000: one status everywhere, in the window and after it',
      async (stripe, paystack, k) => {
        await setFailures({ stripe, paystack });
        const stripeNow = expected?.[k] ?? 'healthy';
        const paystackNow = (expected ?? SEED)[FAILURES.length - 1 - k];
        for (const minute of [0, 7, 14]) {
          expect(await surfacesAt(at(minute), settings)).toEqual({ stripe: all(stripeNow), paystack: all(paystackNow) });
        }
        // The minute leaves the 15 minute window; the health alert is declared recovered after ALERT_RECOVER_AFTER.
        for (const minute of [15, 16, 18]) {
          expect(await surfacesAt(at(minute), settings)).toEqual({ stripe: all('healthy'), paystack: all('healthy') });
        }
        const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM monitoring.alert_state WHERE rule = 'health_status'`);
        expect(rows[0].n).toBe(0);
      },
    );
  });
});
