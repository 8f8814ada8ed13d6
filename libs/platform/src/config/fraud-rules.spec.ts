import { ConfigError, loadConfig } from './config';
import { parseFraudRules } from './fraud-rules';

describe('FRAUD_RULES', () => {
  it('defaults to the contract', () => {
    const rules = loadConfig({}).FRAUD_RULES;
    expect(rules.windows).toEqual({
      customer_payments: { threshold: 20, windowMs: 3_600_000, window: '1h' },
      customer_cards: { threshold: 4, windowMs: 86_400_000, window: '24h' },
      card_customers: { threshold: 3, windowMs: 86_400_000, window: '24h' },
      ip_customers: { threshold: 5, windowMs: 3_600_000, window: '1h' },
      ip_cards: { threshold: 8, windowMs: 3_600_000, window: '1h' },
      card_failures: { threshold: 5, windowMs: 600_000, window: '10m' },
    });
    expect(rules.countryMismatch).toBe(true);
    expect(rules.amountSpike).toBe(5);
  });

  it('keeps the defaults of rules it does not name, and turns off what says off', () => {
    const rules = parseFraudRules('ip_customers=2/5m,card_failures=off,country_mismatch=off,amount_spike=3.5x');
    expect(rules.windows.ip_customers).toEqual({ threshold: 2, windowMs: 300_000, window: '5m' });
    expect(rules.windows.card_failures).toBeUndefined();
    expect(rules.windows.customer_payments?.threshold).toBe(20);
    expect(rules.countryMismatch).toBe(false);
    expect(rules.amountSpike).toBe(3.5);
  });

  it.each([
    ['velocity=3/1h', 'FRAUD_RULES: "velocity=3/1h" names no rule'],
    ['ip_cards=0/1h', 'FRAUD_RULES: "ip_cards=0/1h" is not ip_cards=N/window with N and the window positive (e.g. ip_cards=5/1h), nor off'],
    ['amount_spike=1x', 'FRAUD_RULES: "amount_spike=1x" is not amount_spike=Nx with N above 1 (e.g. amount_spike=5x), nor off'],
    ['country_mismatch=yes', 'FRAUD_RULES: "country_mismatch=yes" is not country_mismatch=on or off'],
  ])('a bad value stops the start with one line: %s', (value, expected) => {
    let message = '';
    try {
      loadConfig({ FRAUD_RULES: value });
    } catch (error) {
      if (error instanceof ConfigError) message = error.message;
    }
    expect(message.replace(/ \(customer_payments.*\)$/, '')).toBe(expected);
    expect(message).not.toContain('\n');
  });
});
