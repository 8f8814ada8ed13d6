import type { Pool } from 'pg';
import { alertSettingsFromConfig, assessHealth, healthThresholds, type HealthSettings, type HealthStatus } from '@ledger/monitoring';
import { PROVIDERS } from '@ledger/payments-domain';
import type { LedgerConfig } from '@ledger/platform';
import { loadHealthMinutes } from '@ledger/projections';
import type { Findings } from './findings';

export interface ProviderHealthLine {
  readonly provider: string;
  readonly status: HealthStatus;
  readonly issues: readonly string[];
}

/** Each provider's health at `now` by the one definition the dashboard and the health alerts use. */
export async function providerHealth(pool: Pool, settings: HealthSettings, now: Date, only?: string): Promise<ProviderHealthLine[]> {
  const rows = await loadHealthMinutes(pool, now, settings, { provider: only });
  const providers = only ? [only] : [...new Set<string>([...PROVIDERS, ...rows.map((r) => r.provider)])].sort();
  return providers.map((provider) => {
    const { status, issues } = assessHealth(
      rows.filter((r) => r.provider === provider),
      healthThresholds(settings, provider),
      now,
    );
    return { provider, status, issues };
  });
}

/** A provider out of health is worth a reader's attention, not a compliance failure: a warning at most. */
export async function checkProviderHealth(
  pool: Pool,
  config: LedgerConfig,
  provider: string | undefined,
  findings: Findings,
  now = new Date(),
) {
  for (const line of await providerHealth(pool, alertSettingsFromConfig(config), now, provider)) {
    if (line.status === 'healthy') findings.add('Health', line.provider, 'pass', 'healthy');
    else findings.add('Health', line.provider, 'warning', `${line.status}: ${line.issues.join('; ')}`);
  }
}
