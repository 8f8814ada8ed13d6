import { computeHealth, type HealthWindow } from './health';

const NOW = new Date('2025-11-21T12:00:30Z');
const minute = (ago: number, w: Partial<HealthWindow>): HealthWindow => ({
  minuteStart: new Date(Date.parse('2025-11-21T12:00:00Z') - ago * 60_000),
  succeeded: 0,
  failed: 0,
  processingTimeSumMs: 0,
  processingCount: 0,
  fraudFlags: 0,
  ...w,
});

describe('Health', () => {
  it('is healthy with no activity', () => {
    expect(computeHealth([], NOW)).toMatchObject({
      status: 'healthy',
      issues: [],
      metrics: { failureRate: 0, averageProcessingTimeMs: null },
    });
  });

  it('is healthy below 5% failures', () => {
    expect(computeHealth([minute(1, { succeeded: 96, failed: 4 })], NOW).status).toBe('healthy');
  });

  it('is degraded at 5% to 10% failures', () => {
    const health = computeHealth([minute(1, { succeeded: 95, failed: 5 })], NOW);
    expect(health).toMatchObject({ status: 'degraded', metrics: { failureRate: 5 } });
    expect(health.issues[0]).toMatch(/Failure rate 5%/);
    expect(computeHealth([minute(1, { succeeded: 90, failed: 10 })], NOW).status).toBe('degraded');
  });

  it('is unhealthy above 10% failures', () => {
    expect(computeHealth([minute(3, { succeeded: 89, failed: 11 })], NOW).status).toBe('unhealthy');
  });

  it('ignores minutes older than the 15-minute window for the failure rate', () => {
    expect(computeHealth([minute(15, { failed: 50 }), minute(1, { succeeded: 10 })], NOW).metrics).toMatchObject({
      failed: 0,
      succeeded: 10,
    });
  });

  it('is degraded when processing averages above 5 s', () => {
    const health = computeHealth([minute(2, { succeeded: 2, processingTimeSumMs: 12_000, processingCount: 2 })], NOW);
    expect(health).toMatchObject({ status: 'degraded', metrics: { averageProcessingTimeMs: 6000 } });
    expect(health.issues[0]).toMatch(/Slow processing/);
  });

  it('is unhealthy with more than 10 fraud flags in the last hour, and names every issue', () => {
    const health = computeHealth(
      [minute(50, { fraudFlags: 6 }), minute(2, { fraudFlags: 5, succeeded: 1, processingTimeSumMs: 9000, processingCount: 1 })],
      NOW,
    );
    expect(health.status).toBe('unhealthy');
    expect(health.issues).toHaveLength(2);
    expect(computeHealth([minute(61, { fraudFlags: 6 }), minute(2, { fraudFlags: 5 })], NOW).status).toBe('healthy');
  });
});
