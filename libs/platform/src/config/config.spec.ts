import { ConfigError, configProblem, loadConfig } from './config';

const refusal = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
};

describe('loadConfig refusals name the variable, its value (unless secret) and the problem', () => {
  it.each([
    ['PORT', 'abc', 'PORT: "abc" is not a number'],
    ['PORT', '3000.5', 'PORT: "3000.5" is not a whole number'],
    ['PORT', '70000', 'PORT: "70000" is not a port (1–65535)'],
    ['PORT', '0', 'PORT: "0" is not a port (1–65535)'],
    ['PROJECTOR_METRICS_PORT', '-1', 'PROJECTOR_METRICS_PORT: "-1" is not a port (1–65535, or 0 for none)'],
    ['WORKER_METRICS_PORT', 'nine', 'WORKER_METRICS_PORT: "nine" is not a number'],
    ['API_WORKERS', '100', 'API_WORKERS: "100" must be a whole number from 1 to 64'],
    ['PROJECTOR_BATCH_SIZE', '0', 'PROJECTOR_BATCH_SIZE: "0" must be a positive whole number'],
    ['ALERT_WEBHOOK_ATTEMPTS', 'many', 'ALERT_WEBHOOK_ATTEMPTS: "many" is not a number'],
    ['DATA_RETENTION_DAYS', '1e400', 'DATA_RETENTION_DAYS: "1e400" is not a number'],
    ['NODE_ENV', 'staging', 'NODE_ENV: "staging" is not one of development, production, test'],
    ['EVENT_STORE', 'mysql', 'EVENT_STORE: "mysql" is not one of postgres, eventstoredb'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL: "loud" is not one of fatal, error, warn, info, debug, trace, silent'],
    ['FORCE_HTTPS', 'yes', 'FORCE_HTTPS: "yes" is not true or false (nor 1 or 0)'],
    ['API_DOCS', 'on', 'API_DOCS: "on" is not true or false (nor 1 or 0)'],
    ['DATABASE_URL', 'mysql://db/ledger', 'DATABASE_URL: "mysql://db/ledger" must be a postgres:// URL'],
    ['REDIS_URL', 'localhost:6379', 'REDIS_URL: "localhost:6379" must be a redis:// URL'],
    [
      'EVENTSTORE_CONNECTION_STRING',
      'http://es:2113',
      'EVENTSTORE_CONNECTION_STRING: "http://es:2113" must be an esdb:// connection string',
    ],
    ['ALERT_WEBHOOK_URL', 'not a url', 'ALERT_WEBHOOK_URL: "not a url" is not a URL'],
    ['ALERT_QUEUE_PREFIX', 'a b', 'ALERT_QUEUE_PREFIX: "a b" must be a Redis key prefix'],
    ['IDEMPOTENCY_TTL', 'a day', 'IDEMPOTENCY_TTL: "a day" is not a duration (e.g. 30s, 15m, 24h)'],
    ['PROJECTION_STALL_AFTER', '30 seconds', 'PROJECTION_STALL_AFTER: "30 seconds" is not a duration (e.g. 30s, 15m, 24h)'],
    ['RATE_LIMITS', 'payment=10/15m,bogus', 'RATE_LIMITS: "bogus" is not class=N/window (e.g. payment=10/15m)'],
    ['SUSPICIOUS_AMOUNTS', 'USD=1.5', 'SUSPICIOUS_AMOUNTS: "USD=1.5" is not CUR=minorUnits (e.g. USD=100000)'],
  ])('%s=%s', (name, value, message) => {
    expect(refusal({ [name]: value })).toBe(message);
  });

  it.each([
    ['ENCRYPTION_KEY', 'short-secret-value', 'ENCRYPTION_KEY: must be at least 32 characters'],
    ['METRICS_TOKEN', 'tiny-token', 'METRICS_TOKEN: must be at least 16 characters'],
    ['ALERT_WEBHOOK_SECRET', 'tiny-secret', 'ALERT_WEBHOOK_SECRET: must be at least 16 characters'],
  ])('%s: a secret is never shown, not even in part', (name, value, message) => {
    const text = refusal({ [name]: value });
    expect(text).toBe(message);
    expect(text).not.toContain(value.slice(0, 5));
  });

  it('shows a URL without its password', () => {
    const text = refusal({ DATABASE_URL: 'mysql://ledger:hunter2@db:5432/ledger' });
    expect(text).toBe('DATABASE_URL: "mysql://ledger:***@db:5432/ledger" must be a postgres:// URL');
    expect(configProblem('ALERT_WEBHOOK_URL', 'https://hooks.example/x?token=abc', 'is unreachable')).toBe(
      'ALERT_WEBHOOK_URL: "https://hooks.example/x" is unreachable',
    );
  });

  it('keeps the defaults of CONTRACT.md when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      API_WORKERS: 1,
      PROJECTOR_METRICS_PORT: 9464,
      WORKER_METRICS_PORT: 9465,
      PROJECTOR_BATCH_SIZE: 500,
    });
    expect(loadConfig({ PORT: ' 8080 ', PROJECTOR_METRICS_PORT: '0' })).toMatchObject({ PORT: 8080, PROJECTOR_METRICS_PORT: 0 });
  });
});
