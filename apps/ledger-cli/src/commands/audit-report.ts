import { writeFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError, loadConfig } from '@ledger/platform';
import { firstLine, withConnection } from '../audit/context';
import { runReportChecks } from '../audit/report/run-report';
import { Findings } from '../audit/report/findings';
import { renderReport } from '../audit/report/render';
import { UnreachableError } from '../connect';
import { CliError, type CliIo } from '../io';

interface ReportOptions {
  provider?: string;
  days: number;
  output?: string;
  verbose?: boolean;
  apiUrl?: string;
  logDir?: string;
}

/** `ledger audit report`: exit 0 passed (warnings allowed), 1 violations, 2 critical issues or the audit could not run. */
export function registerReportCommand(audit: Command, io: CliIo): void {
  audit
    .command('report')
    .description('the payment audit: configuration, PCI scan of events and logs, metrics, webhooks, rate limits, headers')
    .option('--provider <p>', 'metrics of one provider (stripe, paystack)', provider)
    .option('--days <n>', 'metrics period in days', days, 30)
    .option('--output <file.md>', 'write the Markdown report to a file instead of standard output')
    .option('--verbose', 'list every location of every finding')
    .option('--api-url <url>', 'probe the running API for security headers', url)
    .option('--log-dir <dir>', 'log files to scan for card data (default: LOG_DIR)')
    .action(async (options: ReportOptions) => {
      const generatedAt = new Date();
      const findings = new Findings();
      let config;
      try {
        config = loadConfig(io.env);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        findings.add('Configuration', 'environment', 'critical', `invalid: ${error.message}`);
      }
      let metrics: Awaited<ReturnType<typeof runReportChecks>> =
        'Not available: the configuration is invalid, so nothing else was audited.';
      if (config) {
        const loaded = config;
        metrics = await withConnection(io, 'audit report', (ledger) => runReportChecks(ledger, options, findings, io), loaded).catch(
          (error) => {
            // Unreachable (or not ours to start): one line naming the address and exit 2, no report about nothing.
            if (error instanceof UnreachableError) throw error;
            findings.add('Configuration', 'audit run', 'critical', `could not complete: ${firstLine(error)}`);
            return `Not available: ${firstLine(error)}`;
          },
        );
      }
      const header = { generatedAt, days: options.days, provider: options.provider, eventStore: config?.EVENT_STORE ?? 'unknown' };
      const markdown = renderReport(header, findings, metrics, options.verbose === true);
      if (options.output) {
        await writeFile(options.output, markdown).catch((error) => {
          throw new CliError(`cannot write ${options.output}: ${firstLine(error)}`, 2);
        });
        io.stderr(`report written to ${options.output}\n`);
        io.stdout(`${findings.status()}\n`);
      } else {
        io.stdout(markdown);
      }
      const code = findings.exitCode();
      if (code === 0) return;
      const worst = findings.all.find((f) => f.severity === (code === 2 ? 'critical' : 'violation'));
      const counts = `${findings.count('critical')} critical, ${findings.count('violation')} violations`;
      throw new CliError(`audit: ${counts}; first: ${worst?.check}: ${worst?.detail}`, code);
    });
}

function days(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 3650) throw new InvalidArgumentError('a whole number of days, 1 to 3650');
  return n;
}

function provider(value: string): string {
  if (value !== 'stripe' && value !== 'paystack') throw new InvalidArgumentError('stripe or paystack');
  return value;
}

function url(value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol === 'http:' || u.protocol === 'https:') return value;
  } catch {
    // fall through to the one-line error
  }
  throw new InvalidArgumentError('an http:// or https:// URL');
}
