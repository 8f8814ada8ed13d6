import { z } from 'zod';
import { parseMasterKey } from '@ledger/security';
import { parseFraudRules } from './fraud-rules';
import { parseSettlementWindows } from './settlement-windows';
import { parseCurrencyAmounts, parseDuration, parseList, parseRateLimits, type RateLimitRule } from './parsers';

export const DEFAULT_RATE_LIMITS = 'payment=10/15m,refund=5/1h,status=30/1m,api=100/1m,webhook=100/1m';

/*
 * Every message below is a predicate on the value ("is not a number", "must be …"): loadConfig puts the
 * variable's name and its value (unless secret) in front of it, so a refusal reads
 * `PORT: "abc" is not a number`. A parser that names the offending part itself starts its message with
 * that part in quotes (`RATE_LIMITS: "bogus" is not class=N/window …`).
 */
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => wrap(() => parseDuration(v), ctx));
const bool = z
  .enum(['true', 'false', '1', '0'], { error: 'is not true or false (nor 1 or 0)' })
  .default('false')
  .transform((v) => v === 'true' || v === '1');

/** A whole number in [min, max], given as a string; `range` says the bounds in words. */
const whole = (fallback: number, min: number, max: number, range: string) =>
  z
    .string()
    .default(String(fallback))
    .transform((v, ctx) => {
      const text = v.trim();
      const n = Number(text);
      if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) || !Number.isFinite(n)) return issue(ctx, 'is not a number');
      if (!Number.isInteger(n)) return issue(ctx, 'is not a whole number');
      if (n < min || n > max) return issue(ctx, range);
      return n;
    });
const int = (fallback: number) => whole(fallback, 1, Number.MAX_SAFE_INTEGER, 'must be a positive whole number');
const port = (fallback: number, off: boolean) =>
  whole(fallback, off ? 0 : 1, 65_535, off ? 'is not a port (1–65535, or 0 for none)' : 'is not a port (1–65535)');
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `is not one of ${values.join(', ')}` });

function issue(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

function wrap<T>(fn: () => T, ctx: z.RefinementCtx): T {
  try {
    return fn();
  } catch (error) {
    return issue(ctx, (error as Error).message);
  }
}

const schema = z.object({
  NODE_ENV: oneOf(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  LEDGER_DATA_DIR: z.string().min(1).default('.data'),
  EVENT_STORE: oneOf(['postgres', 'eventstoredb']).default('postgres'),
  EVENTSTORE_CONNECTION_STRING: z
    .string()
    .regex(/^esdb(\+discover)?:\/\//, 'must be an esdb:// connection string')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  PORT: port(3000, false),
  HOST: z.string().default('127.0.0.1'),
  API_WORKERS: whole(1, 1, 64, 'must be a whole number from 1 to 64'),
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
  /** Fraud velocity rules (libs/fraud); what is not named keeps its default (fraud-rules.ts). */
  FRAUD_RULES: z
    .string()
    .default('')
    .transform((v, ctx) => wrap(() => parseFraudRules(v), ctx)),
  /** Reconciliation's missing_from_payout windows per provider (libs/reconciliation); one left out keeps its default. */
  SETTLEMENT_WINDOWS: z
    .string()
    .default('')
    .transform((v, ctx) => wrap(() => parseSettlementWindows(v), ctx)),
  FORCE_HTTPS: bool,
  /** OpenAPI at /docs: on by default, off by default when NODE_ENV=production (see apiDocsEnabled). */
  API_DOCS: z
    .enum(['true', 'false', '1', '0'], { error: 'is not true or false (nor 1 or 0)' })
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1')),
  /** When set, GET /metrics answers only `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TRUST_PROXY: z.string().optional(),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_DIR: z.string().optional(),
  IDEMPOTENCY_TTL: duration('24h'),
  BODY_LIMIT: z.string().default('100kb'),
  PROJECTOR_BATCH_SIZE: int(500),
  ALERT_REPLAY_HORIZON: duration('15m'),
  ALERT_WEBHOOK_URL: z.string().url({ error: 'is not a URL' }).optional(),
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
  PROJECTOR_METRICS_PORT: port(9464, true),
  WORKER_METRICS_PORT: port(9465, true),
});

export type LedgerConfig = z.output<typeof schema> & { RATE_LIMITS: Record<string, RateLimitRule> };

export class ConfigError extends Error {}

/** Never shown, not even in part: a refusal names the variable and the problem only. */
const SECRETS = new Set(['ENCRYPTION_KEY', 'STRIPE_WEBHOOK_SECRET', 'PAYSTACK_SECRET_KEY', 'METRICS_TOKEN', 'ALERT_WEBHOOK_SECRET']);
/** URLs that may carry credentials: shown without the password (and the webhook's without its query). */
const URLS = new Set(['DATABASE_URL', 'REDIS_URL', 'EVENTSTORE_CONNECTION_STRING', 'ALERT_WEBHOOK_URL']);

/** How a variable's value may appear in a message: undefined for a secret, a URL without its password. */
export function shownValue(name: string, value: string): string | undefined {
  if (SECRETS.has(name)) return undefined;
  let shown = value;
  if (URLS.has(name)) {
    shown = shown.replace(/^([a-z][\w+.-]*:\/\/[^/@:]*):[^/@]*@/i, '$1:***@');
    if (name === 'ALERT_WEBHOOK_URL') shown = shown.replace(/[?#].*$/, '');
  }
  return shown.length > 100 ? `${shown.slice(0, 100)}…` : shown;
}

/** `NAME: "value" problem`, or `NAME: problem` for a secret (or a problem that already quotes the part at fault). */
export function configProblem(name: string, value: string | undefined, problem: string): string {
  const shown = value === undefined || problem.startsWith('"') ? undefined : shownValue(name, value);
  return shown === undefined ? `${name}: ${problem}` : `${name}: ${JSON.stringify(shown)} ${problem}`;
}

/**
 * Reads and validates the environment once. A bad value becomes one line naming
 * the variable, its value (unless secret) and what is wrong, e.g. `PORT: "abc" is
 * not a number`; no other module reads process.env.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  // An empty variable means unset, as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
  const result = schema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(configProblem(name, present[name], issue.message));
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
