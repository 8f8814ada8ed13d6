import { DEFAULT_THRESHOLDS } from './alert-settings';
import { evaluateConditions, healthOf, windowStartOf, type MinuteActivity } from './conditions';

const now = new Date('2026-01-01T12:14:30Z');
const minute = (iso: string, fields: Partial<MinuteActivity>): MinuteActivity => ({
  minuteStart: new Date(iso),
  provider: 'stripe',
  succeeded: 0,
  failed: 0,
  processingSumMs: 0,
  processingCount: 0,
  fraudFlags: 0,
  ...fields,
});
const firing = (rows: MinuteActivity[]) =>
  evaluateConditions('stripe', rows, DEFAULT_THRESHOLDS, now)
    .filter((c) => c.firing)
    .map((c) => c.rule);

describe('conditions', () => {
  it('counts the 15 minute buckets up to now, not the one before', () => {
    expect(windowStartOf(now, 15 * 60_000).toISOString()).toBe('2026-01-01T12:00:00.000Z');
    expect(firing([minute('2026-01-01T11:59:00Z', { failed: 50 }), minute('2026-01-01T12:00:00Z', { succeeded: 20 })])).toEqual([]);
    expect(firing([minute('2026-01-01T12:00:00Z', { failed: 2, succeeded: 18 })])).toEqual(['failure_rate']);
  });

  it('needs min_decisions before a failure rate counts, and strictly more than the thresholds', () => {
    expect(firing([minute('2026-01-01T12:10:00Z', { failed: 3 })])).toEqual([]);
    expect(
      firing([minute('2026-01-01T12:10:00Z', { failed: 1, succeeded: 19, fraudFlags: 10, processingSumMs: 100_000, processingCount: 20 })]),
    ).toEqual([]);
    expect(firing([minute('2026-01-01T11:20:00Z', { fraudFlags: 11 })])).toEqual(['fraud_flags']);
  });

  it('maps firing conditions to the dashboard health statuses', () => {
    const at = (rows: MinuteActivity[]) => healthOf(evaluateConditions('stripe', rows, DEFAULT_THRESHOLDS, now));
    expect(at([minute('2026-01-01T12:10:00Z', { succeeded: 20 })])).toBe('healthy');
    expect(at([minute('2026-01-01T12:10:00Z', { failed: 2, succeeded: 18 })])).toBe('degraded');
    expect(at([minute('2026-01-01T12:10:00Z', { failed: 3, succeeded: 17 })])).toBe('unhealthy');
    expect(at([minute('2026-01-01T12:10:00Z', { succeeded: 10, processingSumMs: 60_000, processingCount: 10 })])).toBe('degraded');
  });
});
