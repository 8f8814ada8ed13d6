import { loadConfig } from '@ledger/platform';
import { DEFAULT_THRESHOLDS, alertSettingsFromConfig, parseAlertRules, thresholdsFor } from './alert-settings';

describe('ALERT_RULES', () => {
  it('defaults to the seed report thresholds', () => {
    const settings = alertSettingsFromConfig(loadConfig({}));
    expect(thresholdsFor(settings, 'stripe')).toEqual(DEFAULT_THRESHOLDS);
    expect(settings).toMatchObject({
      suspiciousAmounts: { USD: 100000 },
      replayHorizonMs: 900_000,
      cooldownMs: 3_600_000,
      rateLimitViolations: 50,
    });
  });

  it('overrides defaults and single providers, windows included', () => {
    const settings = alertSettingsFromConfig(
      loadConfig({ ALERT_RULES: 'failure_rate=3/10m,paystack.fraud_flags=4/30m,rate_limit_violations=20' }),
    );
    expect(thresholdsFor(settings, 'stripe')).toMatchObject({ failureRate: 3, failureWindowMs: 600_000, fraudFlags: 10 });
    expect(thresholdsFor(settings, 'paystack')).toMatchObject({ failureRate: 3, fraudFlags: 4, fraudWindowMs: 1_800_000 });
    expect(settings.rateLimitViolations).toBe(20);
  });

  it.each(['failure_rate', 'nope=3', 'min_decisions=5/1h', 'failure_rate=x'])('refuses %s in one line naming the variable', (value) => {
    expect(() => alertSettingsFromConfig(loadConfig({ ALERT_RULES: value }))).toThrow(/^ALERT_RULES: /);
    expect(() => parseAlertRules(value)).toThrow();
  });
});
