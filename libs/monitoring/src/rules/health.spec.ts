import { DEFAULT_THRESHOLDS, type ProviderThresholds } from './alert-settings';
import { evaluateConditions } from './conditions';
import { assessHealth, windowStartOf, type HealthMinute } from './health';

const now = new Date('2026-01-01T12:14:30Z');
const minute = (iso: string, fields: Partial<HealthMinute>): HealthMinute => ({
  minuteStart: new Date(iso),
  succeeded: 0,
  failed: 0,
  processingSumMs: 0,
  processingCount: 0,
  fraudFlags: 0,
  ...fields,
});
const decisions = (failed: number, total: number) => [minute('2026-01-01T12:10:00Z', { failed, succeeded: total - failed })];
const withMin = (minDecisions: number): ProviderThresholds => ({ ...DEFAULT_THRESHOLDS, minDecisions });

/** The health every surface shows, and the alert conditions of the same provider: they must tell one story. */
function judge(rows: HealthMinute[], t: ProviderThresholds = DEFAULT_THRESHOLDS) {
  const health = assessHealth(rows, t, now);
  const { health: viaAlerts, conditions } = evaluateConditions(
    'stripe',
    rows.map((r) => ({ ...r, provider: 'stripe' })),
    t,
    now,
  );
  expect(viaAlerts).toEqual(health);
  const fires = (rule: string) => conditions.find((c) => c.rule === rule)?.firing;
  expect(fires('failure_rate')).toBe(health.failure.status !== 'healthy');
  expect(fires('processing_time')).toBe(health.processing.slow);
  expect(fires('fraud_flags')).toBe(health.fraud.critical);
  return health;
}

describe('Provider health (the one definition)', () => {
  describe.each([
    ['min_decisions 10 (default)', 10, ['healthy', 'degraded', 'degraded', 'degraded', 'unhealthy']],
    ['no min_decisions', 0, ['healthy', 'degraded', 'degraded', 'degraded', 'unhealthy']],
    ['min_decisions above the decisions made', 2000, ['healthy', 'healthy', 'healthy', 'healthy', 'healthy']],
  ] as const)('with %s', (_name, min, expected) => {
    it.each([
      [49, 0],
      [50, 1],
      [51, 2],
      [100, 3],
      [101, 4],
    ])('%i failures of 1000 decisions', (failed, k) => {
      expect(judge(decisions(failed, 1000), withMin(min)).status).toBe(expected[k]);
    });
  });

  it('compares unrounded rates: 4.999 % is healthy, 10.001 % unhealthy', () => {
    expect(judge(decisions(4999, 100_000)).status).toBe('healthy');
    expect(judge(decisions(10_001, 100_000)).status).toBe('unhealthy');
  });

  it('does not judge a failure rate on fewer than min_decisions decisions', () => {
    expect(judge(decisions(3, 3))).toMatchObject({ status: 'healthy', issues: [], failure: { rate: 100, judged: false } });
  });

  it('reads the 15 minute buckets up to now, not the one before', () => {
    expect(windowStartOf(now, 15 * 60_000).toISOString()).toBe('2026-01-01T12:00:00.000Z');
    const rows = [minute('2026-01-01T11:59:00Z', { failed: 50 }), minute('2026-01-01T12:00:00Z', { succeeded: 20 })];
    expect(judge(rows).failure).toMatchObject({ failed: 0, decisions: 20 });
    expect(judge([minute('2026-01-01T12:15:00Z', { failed: 50 })]).failure.decisions).toBe(0);
  });

  it('is degraded when processing averages above the limit, not at it', () => {
    const slow = (sum: number) => [minute('2026-01-01T12:10:00Z', { succeeded: 2, processingSumMs: sum, processingCount: 2 })];
    expect(judge(slow(10_000)).status).toBe('healthy');
    const health = judge(slow(10_002));
    expect(health).toMatchObject({ status: 'degraded', processing: { meanMs: 5001 } });
    expect(health.issues[0]).toMatch(/^Slow processing/);
  });

  it('is unhealthy with more than 10 fraud flags in the hour, and names every issue', () => {
    expect(judge([minute('2026-01-01T11:20:00Z', { fraudFlags: 10 })]).status).toBe('healthy');
    const health = judge([
      minute('2026-01-01T11:20:00Z', { fraudFlags: 6 }),
      minute('2026-01-01T12:10:00Z', { fraudFlags: 5, failed: 1, succeeded: 19, processingSumMs: 200_000, processingCount: 20 }),
    ]);
    expect(health.status).toBe('unhealthy');
    expect(health.issues).toHaveLength(3);
    expect(judge([minute('2026-01-01T11:14:00Z', { fraudFlags: 11 })]).status).toBe('healthy');
  });

  it('takes per-provider thresholds (ALERT_RULES)', () => {
    const t = { ...DEFAULT_THRESHOLDS, failureRate: 2, unhealthyFailureRate: 3 };
    expect(judge(decisions(25, 1000), t).status).toBe('degraded');
    expect(judge(decisions(31, 1000), t).status).toBe('unhealthy');
  });
});
