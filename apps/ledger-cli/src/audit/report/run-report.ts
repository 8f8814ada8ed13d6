import { access } from 'node:fs/promises';
import type { CliIo } from '../../io';
import { firstLine, type AuditContext } from '../context';
import { createProgress } from '../progress';
import { checkConfiguration } from './config-checks';
import { checkEncryptionAtRest } from './encryption-check';
import type { Findings } from './findings';
import { checkProviderHealth } from './health-check';
import { probeSecurityHeaders } from './headers-probe';
import { periodMetrics, providersWithPayments, type PeriodMetrics } from './metrics';
import { scanEvents, scanLogs } from './pci-scan';
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
  ctx: AuditContext,
  options: ReportCheckOptions,
  findings: Findings,
  io: CliIo,
): Promise<PeriodMetrics | string> {
  const { config, pool, store } = ctx;
  const enabled = await providersWithPayments(pool).catch(() => new Set<string>());
  checkConfiguration(config, findings, enabled);

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

  if (config.EVENT_STORE === 'postgres') await checkEncryptionAtRest(pool, findings);
  else findings.add('PCI', 'personal data encrypted', 'warning', 'not sampled: the events are in EventStoreDB');

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
  await checkWebhookDeliveries(pool, options.days, options.provider, findings);
  await checkRateLimitViolations(config.REDIS_URL, findings);
  await probeSecurityHeaders(options.apiUrl, config.FORCE_HTTPS, findings);
  return metrics;
}
