import { ConfigError, parseDuration, type LedgerConfig } from '@ledger/platform';

export interface ProviderThresholds {
  /** Percent of decisions (succeeded + failed) that failed, over failureWindowMs: from this, degraded. */
  readonly failureRate: number;
  /** Above this percent (same window), unhealthy. */
  readonly unhealthyFailureRate: number;
  readonly failureWindowMs: number;
  /** Fewer decisions than this in the window never alert: 1 failure out of 1 is not an incident. */
  readonly minDecisions: number;
  /** Mean processing time of the decisions in processingWindowMs. */
  readonly processingTimeMs: number;
  readonly processingWindowMs: number;
  readonly fraudFlags: number;
  readonly fraudWindowMs: number;
}

export interface AlertSettings {
  readonly defaults: ProviderThresholds;
  readonly providers: Readonly<Record<string, Partial<ProviderThresholds>>>;
  /** Minor units per currency (SUSPICIOUS_AMOUNTS); a currency without one never alerts. */
  readonly suspiciousAmounts: Readonly<Record<string, number>>;
  /** Refusals of one subject in an hour that count as a severe rate-limit violation. */
  readonly rateLimitViolations: number;
  readonly replayHorizonMs: number;
  /** Repeats of a condition that keeps firing are suppressed for this long; never a raise after a recovery. */
  readonly cooldownMs: number;
  /** A condition must stay clear this long before its recovery is declared (flapping stays one alert). */
  readonly recoverAfterMs: number;
  /** provider_silent: no webhook from a provider for this long while its payments wait in processing. */
  readonly providerSilenceMs: number;
  /**
   * projection_stalled (and the dashboard's health): a projection's checkpoint has not moved for this long while
   * events wait behind it (PROJECTION_STALL_AFTER; the definition is `assessProjectionStall`).
   */
  readonly stallAfterMs: number;
}

export const DEFAULT_THRESHOLDS: ProviderThresholds = {
  failureRate: 5,
  unhealthyFailureRate: 10,
  failureWindowMs: 15 * 60_000,
  minDecisions: 10,
  processingTimeMs: 5_000,
  processingWindowMs: 15 * 60_000,
  fraudFlags: 10,
  fraudWindowMs: 60 * 60_000,
};

type Spec = { value: keyof ProviderThresholds; window?: keyof ProviderThresholds };
const NAMES: Record<string, Spec> = {
  failure_rate: { value: 'failureRate', window: 'failureWindowMs' },
  failure_rate_unhealthy: { value: 'unhealthyFailureRate' },
  min_decisions: { value: 'minDecisions' },
  processing_time: { value: 'processingTimeMs', window: 'processingWindowMs' },
  fraud_flags: { value: 'fraudFlags', window: 'fraudWindowMs' },
};

/**
 * ALERT_RULES: `[provider.]name=value[/window]`, comma-separated, over the defaults.
 * e.g. `failure_rate=5/15m,stripe.failure_rate=2/5m,fraud_flags=10/1h,rate_limit_violations=50`.
 */
export function parseAlertRules(
  value: string | undefined,
): Pick<AlertSettings, 'providers'> & { defaults: ProviderThresholds; rateLimitViolations?: number } {
  const defaults: Record<string, number> = { ...DEFAULT_THRESHOLDS };
  const providers: Record<string, Record<string, number>> = {};
  let rateLimitViolations: number | undefined;
  for (const part of (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(?:([a-z]+)\.)?([a-z_]+)=(\d+(?:\.\d+)?)(?:\/(\w+))?$/.exec(part);
    if (m && !m[1] && m[2] === 'rate_limit_violations' && !m[4]) {
      rateLimitViolations = Number(m[3]);
      continue;
    }
    const spec = m ? NAMES[m[2]] : undefined;
    if (!m || !spec || (m[4] && !spec.window))
      throw new Error(
        `"${part}" is not [provider.]rule=value[/window] (rules: ${[...Object.keys(NAMES), 'rate_limit_violations'].join(', ')})`,
      );
    const target = m[1] ? (providers[m[1]] ??= {}) : defaults;
    target[spec.value] = Number(m[3]);
    if (m[4] && spec.window) target[spec.window] = parseDuration(m[4]);
  }
  return { defaults: defaults as unknown as ProviderThresholds, providers, rateLimitViolations };
}

export function alertSettingsFromConfig(config: LedgerConfig): AlertSettings {
  let rules;
  try {
    rules = parseAlertRules(config.ALERT_RULES);
  } catch (error) {
    throw new ConfigError(`ALERT_RULES: ${(error as Error).message}`);
  }
  return {
    defaults: rules.defaults,
    providers: rules.providers,
    rateLimitViolations: rules.rateLimitViolations ?? 50,
    suspiciousAmounts: config.SUSPICIOUS_AMOUNTS,
    replayHorizonMs: config.ALERT_REPLAY_HORIZON,
    cooldownMs: config.ALERT_COOLDOWN,
    recoverAfterMs: config.ALERT_RECOVER_AFTER,
    providerSilenceMs: config.PROVIDER_SILENCE_AFTER,
    stallAfterMs: config.PROJECTION_STALL_AFTER,
  };
}

export function thresholdsFor(settings: Pick<AlertSettings, 'defaults' | 'providers'>, provider: string): ProviderThresholds {
  return { ...settings.defaults, ...settings.providers[provider] };
}
