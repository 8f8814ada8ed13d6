import type { Command } from 'commander';
import { withConnection } from '../audit/context';
import { createProgress, type Progress } from '../audit/progress';
import type { Difference } from '../audit/verify/compare-tables';
import { runVerify } from '../audit/verify/run-verify';
import { CliError, type CliIo } from '../io';

const formatDifference = (d: Difference): string => `${d.readModel} [${d.key}] ${d.field}: expected ${d.expected}, actual ${d.actual}\n`;

/** `ledger audit verify`: exit 0 clean, 1 differences, 2 could not run. */
export function registerVerifyCommand(audit: Command, io: CliIo): void {
  audit
    .command('verify')
    .description('recompute every read model from the events and compare, to the minor unit; check the audit hash chain')
    .action(() =>
      withConnection(io, 'audit verify', async ({ config, pool, store }) => {
        let differences = 0;
        let progress: Progress | undefined;
        const result = await runVerify({
          pool,
          // EventStoreDB's events live outside PostgreSQL: a plain $all read is the only independent path there.
          events: config.EVENT_STORE === 'postgres' ? { from: 'table' } : { from: 'store', store },
          report: (d) => {
            differences += 1;
            io.stdout(formatDifference(d));
          },
          onStart: ({ ledger, auditTrail, totalEvents }) => {
            io.stderr(`verifying read models up to ${ledger} (ledger) and ${auditTrail} (audit_trail)\n`);
            progress = createProgress(io, 'verify', totalEvents);
          },
          onProgress: (done) => progress?.update(done),
          settlementWindows: config.SETTLEMENT_WINDOWS,
        });
        progress?.stop(result.events);
        const scope = `${result.events} events, ${result.payments} payments, ${result.auditRows} audit rows`;
        if (differences === 0) {
          io.stdout(`verify: clean (${scope}; read models equal the events, hash chain intact)\n`);
          return;
        }
        io.stdout(`verify: ${differences} difference${differences === 1 ? '' : 's'} (${scope})\n`);
        throw new CliError(`verify found ${differences} difference${differences === 1 ? '' : 's'}`, 1);
      }),
    );
}
