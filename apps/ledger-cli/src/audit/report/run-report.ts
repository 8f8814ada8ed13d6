import { access } from 'node:fs/promises';
import { findEncryptionKey, keyringOf, type LedgerConfig } from '@ledger/platform';
import { periodMetrics, providersWithPayments, type PeriodMetrics } from '@ledger/projections';
import type { Keyring } from '@ledger/security';
import type { CliIo } from '../../io';
import { firstLine, type LedgerConnection } from '../context';
import { createProgress } from '../progress';
import { checkConfiguration, type MasterKeyLookup } from './config-checks';
import { checkCustomerIdsPseudonymous, checkEncryptionAtRest, checkFreeTextSealed, checkMasterKeyOpensDataKeys } from './encryption-check';
import type { Findings } from './findings';
import { checkProviderHealth } from './health-check';
import { probeSecurityHeaders } from './headers-probe';
import { scanEvents, scanLogs } from './pci-scan';
import { checkReconciliation } from './reconciliation-check';
import { checkRefundMismatches } from './refund-mismatches';
import { checkRateLimitViolations, checkWebhookDeliveries } from './runtime-checks';

export interface ReportCheckOptions {
  readonly provider?: string;
  readonly days: number;
  readonly apiUrl?: string;
  readonly logDir?: string;
}

/** Every check of the report, in the seed's order; returns the metrics (or why they are not available). */
export async function runReportChecks(
  ledger: LedgerConnection,
  options: ReportCheckOptions,
  findings: Findings,
  io: CliIo,
): Promise<PeriodMetrics | string> {
  const { config, pool, store } = ledger;
  const enabled = await providersWithPayments(pool).catch(() => new Set<string>());
  // One key source for the apps, the CLI and every check here: where the apps find it, never generated.
  const { lookup, master } = lookUpMasterKey(config);
  checkConfiguration(config, findings, enabled, lookup);

  const progress = createProgress(io, 'pci scan of events', undefined);
  const events = await scanEvents(store, (done) => progress.update(done));
  progress.stop(events.scanned);
  if (events.hits.length > 0) {
    findings.add(
      'PCI',
      'card data in stored events',
      'violation',
      `${events.hits.length} of ${events.scanned} events hold card data`,
      events.hits,
    );
  } else findings.add('PCI', 'card data in stored events', 'pass', `${events.scanned} events scanned, none`);

  if (config.EVENT_STORE === 'postgres') {
    await checkEncryptionAtRest(pool, findings);
    await checkFreeTextSealed(pool, findings);
    await checkCustomerIdsPseudonymous(pool, findings);
  } else findings.add('PCI', 'personal data encrypted', 'warning', 'not sampled: the events are in EventStoreDB');
  // Judged against the same key as the Configuration section (an unreadable key is already critical there).
  if (!lookup || !('error' in lookup)) await checkMasterKeyOpensDataKeys(pool, master, findings);

  const logDir = options.logDir ?? config.LOG_DIR;
  if (!logDir) {
    findings.add('PCI', 'card data in logs', 'warning', 'not scanned: set LOG_DIR or pass --log-dir');
  } else if (
    !(await access(logDir).then(
      () => true,
      () => false,
    ))
  ) {
    findings.add('PCI', 'card data in logs', 'critical', `cannot read the log directory ${logDir}`);
  } else {
    const logs = await scanLogs(logDir);
    if (logs.hits.length > 0)
      findings.add('PCI', 'card data in logs', 'violation', `${logs.hits.length} log lines hold card data`, logs.hits);
    else findings.add('PCI', 'card data in logs', 'pass', `${logs.scanned} files scanned under ${logDir}, none`);
  }

  let metrics: PeriodMetrics | string;
  try {
    metrics = await periodMetrics(pool, options.days, options.provider);
    findings.add('Read models', 'metrics source', 'pass', `${metrics.total} payments created in the period`);
  } catch (error) {
    metrics = `Not available: ${firstLine(error)}`;
    findings.add('Read models', 'metrics source', 'warning', metrics);
  }
  await checkProviderHealth(pool, config, options.provider, findings).catch((error: unknown) =>
    findings.add('Health', 'provider health', 'warning', `Not available: ${firstLine(error)}`),
  );

  await checkRefundMismatches(store, findings);
  await checkReconciliation(pool, options.provider, findings).catch((error: unknown) =>
    findings.add('Money', 'settlement reconciliation', 'warning', `Not available: ${firstLine(error)}`),
  );
  await checkWebhookDeliveries(pool, options.days, options.provider, findings);
  await checkRateLimitViolations(config.REDIS_URL, findings);
  await probeSecurityHeaders(options.apiUrl, config.FORCE_HTTPS, findings);
  return metrics;
}

/** The apps' master key, read only; a key that cannot be read or parsed is a finding, not a failure of the run. */
function lookUpMasterKey(config: LedgerConfig): { lookup: MasterKeyLookup; master?: { keyring: Keyring; source: string } } {
  try {
    const found = findEncryptionKey(config);
    if (!found) return { lookup: undefined };
    const source = found.source === 'ENCRYPTION_KEY' ? 'ENCRYPTION_KEY' : `the development key in ${found.path}`;
    return { lookup: found, master: { keyring: keyringOf(found.value), source } };
  } catch (error) {
    return { lookup: { error: firstLine(error) } };
  }
}
