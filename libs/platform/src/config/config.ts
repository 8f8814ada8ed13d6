import { z } from 'zod';
import { parseMasterKey } from '@ledger/security';
import { parseCurrencyAmounts, parseDuration, parseList, parseRateLimits, type RateLimitRule } from './parsers';

export const DEFAULT_RATE_LIMITS = 'payment=10/15m,refund=5/1h,status=30/1m,api=100/1m,webhook=100/1m';

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => wrap(() => parseDuration(v), ctx));
const bool = z
  .enum(['true', 'false', '1', '0'])
  .default('false')
  .transform((v) => v === 'true' || v === '1');
const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);

function wrap<T>(fn: () => T, ctx: z.RefinementCtx): T {
  try {
    return fn();
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
}

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  LEDGER_DATA_DIR: z.string().min(1).default('.data'),
  EVENT_STORE: z.enum(['postgres', 'eventstoredb']).default('postgres'),
  EVENTSTORE_CONNECTION_STRING: z
    .string()
    .regex(/^esdb(\+discover)?:\/\//, 'must be an esdb:// connection string')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  API_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  // One secret, or `<id>:<secret>,…` with the current master key first (libs/security README, "Keys").
  ENCRYPTION_KEY: z
    .string()
    .min(32, 'must be at least 32 characters')
    .superRefine((v, ctx) => void wrap(() => parseMasterKey(v), ctx))
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .optional()
    .transform((v) => parseList(v)),
  PAYSTACK_SECRET_KEY: z.string().min(1).optional(),
  RATE_LIMITS: z
    .string()
    .default(DEFAULT_RATE_LIMITS)
    .transform((v, ctx) => wrap(() => ({ ...parseRateLimits(DEFAULT_RATE_LIMITS), ...parseRateLimits(v) }), ctx)),
  SUSPICIOUS_AMOUNTS: z
    .string()
    .default('USD=100000')
    .transform((v, ctx) => wrap(() => parseCurrencyAmounts(v), ctx)),
  FORCE_HTTPS: bool,
  /** OpenAPI at /docs: on by default, off by default when NODE_ENV=production (see apiDocsEnabled). */
  API_DOCS: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1')),
  /** When set, GET /metrics answers only `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TRUST_PROXY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_DIR: z.string().optional(),
  IDEMPOTENCY_TTL: duration('24h'),
  BODY_LIMIT: z.string().default('100kb'),
  PROJECTOR_BATCH_SIZE: int(500),
  ALERT_REPLAY_HORIZON: duration('15m'),
  ALERT_WEBHOOK_URL: z.string().url().optional(),
  ALERT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  ALERT_RULES: z.string().optional(),
  ALERT_COOLDOWN: duration('1h'),
  ALERT_RECOVER_AFTER: duration('2m'),
  PROVIDER_SILENCE_AFTER: duration('30m'),
  PROJECTION_STALL_AFTER: duration('30s'),
  /** npm start: how long it waits before restarting an app that exited; doubles (up to 30 s) while it keeps exiting. */
  RESTART_DELAY: duration('1s'),
  ALERT_TICK_INTERVAL: duration('10s'),
  ALERT_WEBHOOK_TIMEOUT: duration('5s'),
  ALERT_WEBHOOK_ATTEMPTS: int(8),
  ALERT_WEBHOOK_BACKOFF: duration('1s'),
  ALERT_QUEUE_PREFIX: z
    .string()
    .regex(/^[\w-]+(:[\w-]+)*$/, 'must be a Redis key prefix')
    .default('ledger'),
  STRIPE_WEBHOOK_ALLOWLIST: z
    .string()
    .optional()
    .transform((v) => parseList(v)),
  PAYSTACK_WEBHOOK_ALLOWLIST: z
    .string()
    .optional()
    .transform((v) => parseList(v)),
  DATA_RETENTION_DAYS: int(365),
  // Prometheus /metrics of the projector and the alert-worker on their own ports; 0 turns one off.
  PROJECTOR_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
});

export type LedgerConfig = z.output<typeof schema> & { RATE_LIMITS: Record<string, RateLimitRule> };

export class ConfigError extends Error {}

/**
 * Reads and validates the environment once. A bad value becomes one line naming
 * the variable and what is wrong; no other module reads process.env.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  // An empty variable means unset, as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`${String(issue.path[0] ?? 'environment')}: ${issue.message}`);
  }
  const config = result.data;
  if (config.EVENT_STORE === 'eventstoredb' && !config.EVENTSTORE_CONNECTION_STRING) {
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING: required when EVENT_STORE=eventstoredb');
  }
  // Outside production a development key is generated into the data dir (encryption-key.ts); never in production.
  if (config.NODE_ENV === 'production' && !config.ENCRYPTION_KEY) {
    throw new ConfigError('ENCRYPTION_KEY: required when NODE_ENV=production');
  }
  return config;
}

export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');

/** /docs is public by default in development and test, and off in production unless API_DOCS=true. */
export function apiDocsEnabled(config: Pick<LedgerConfig, 'API_DOCS' | 'NODE_ENV'>): boolean {
  return config.API_DOCS ?? config.NODE_ENV !== 'production';
}
