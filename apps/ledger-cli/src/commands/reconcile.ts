import { createReadStream, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { extname } from 'node:path';
import { Transform } from 'node:stream';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { isProvider } from '@ledger/payments-domain';
import { ReportFormatError, ResolveBreakError, importReport, isBreakKind, listBreaks, resolveBreak } from '@ledger/reconciliation';
import { withConnection } from '../audit/context';
import { CliError, type CliIo } from '../io';

const actor = () => `cli:${userInfo().username}`;

/** The file's bytes as they are read: a bar on a terminal, a line at the end elsewhere. */
function progress(io: CliIo, total: number): { meter: Transform; done(lines: number): void } {
  const tty = io.stderrStream?.isTTY === true;
  const bar = tty
    ? new SingleBar({
        stream: io.stderrStream,
        format: 'import [{bar}] {percentage}% | {value}/{total} bytes | ETA {eta_formatted}',
        fps: 5,
      })
    : undefined;
  bar?.start(total, 0);
  let read = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      read += chunk.length;
      bar?.update(read);
      callback(null, chunk);
    },
  });
  return {
    meter,
    done: (lines) => {
      bar?.update(total);
      bar?.stop();
      io.stderr(`read ${read} bytes, ${lines} lines\n`);
    },
  };
}

/** `ledger reconcile import | breaks | resolve` (CONTRACT.md › Reconciliation). */
export function registerReconcileCommands(program: Command, io: CliIo): void {
  const reconcile = program
    .command('reconcile')
    .description("settlement reconciliation: import providers' payout reports, list and resolve breaks");
  reconcile
    .command('import')
    .description("import a provider's payout report as downloaded (streamed); the same file again appends nothing")
    .requiredOption('--provider <p>', 'stripe or paystack')
    .requiredOption(
      '--file <f>',
      'Stripe: the itemized payout reconciliation CSV or a balance-transactions list JSON; Paystack: settlements JSON',
    )
    .option('--format <f>', 'csv or json (default: from the file name)')
    .action((options: { provider: string; file: string; format?: string }) => {
      if (!isProvider(options.provider)) throw new CliError('--provider: stripe or paystack', 2);
      const format = options.format ?? (extname(options.file).toLowerCase() === '.csv' ? 'csv' : 'json');
      if (format !== 'csv' && format !== 'json') throw new CliError('--format: csv or json', 2);
      let size: number;
      try {
        size = statSync(options.file).size;
      } catch {
        throw new CliError(`--file: cannot read ${options.file}`, 2);
      }
      const provider = options.provider;
      return withConnection(io, 'reconcile import', async ({ store }) => {
        const bar = progress(io, size);
        try {
          const result = await importReport(store, {
            provider,
            format,
            input: createReadStream(options.file).pipe(bar.meter),
            actor: actor(),
            now: new Date(),
          });
          bar.done(result.lines);
          io.stdout(`${JSON.stringify({ importId: result.importId, lines: result.lines, newLines: result.newLines })}\n`);
        } catch (error) {
          if (error instanceof ReportFormatError) throw new CliError(error.message, 1);
          throw error;
        }
      });
    });
  reconcile
    .command('breaks')
    .description('the breaks, oldest first: kind, both sides, suspense amount, age')
    .option('--status <s>', 'open or resolved', 'open')
    .option('--kind <k>', 'one break kind')
    .option('--format <f>', 'table or ndjson', 'table')
    .action((options: { status: string; kind?: string; format: string }) => {
      if (options.status !== 'open' && options.status !== 'resolved') throw new CliError('--status: open or resolved', 2);
      if (options.kind !== undefined && !isBreakKind(options.kind)) throw new CliError('--kind: a break kind', 2);
      const status = options.status;
      const kind = options.kind;
      return withConnection(io, 'reconcile breaks', async ({ pool }) => {
        const rows = await listBreaks(pool, { status, ...(kind && isBreakKind(kind) ? { kind } : {}), limit: 100_000, now: new Date() });
        if (options.format === 'ndjson') {
          for (const b of rows) io.stdout(`${JSON.stringify(b)}\n`);
          return;
        }
        const head = [
          'breakId',
          'kind',
          'provider',
          'currency',
          'ledger',
          'provider',
          'suspense',
          'payment',
          'payout',
          'line',
          'age_s',
          'status',
        ];
        io.stdout(`${head.join('\t')}\n`);
        for (const b of rows) {
          const cells = [
            b.breakId,
            b.kind,
            b.provider,
            b.currency,
            b.ledgerAmount,
            b.providerAmount,
            b.suspenseAmount,
            b.paymentId,
            b.payoutId,
            b.lineId,
            b.ageSeconds,
            b.status,
          ];
          io.stdout(`${cells.map((c) => (c === undefined ? '-' : String(c))).join('\t')}\n`);
        }
      });
    });
  reconcile
    .command('resolve <breakId>')
    .description("move a break's suspense amount to an account of the chart, with a note (recorded with you as the actor)")
    .requiredOption('--account <a>', 'an account of the chart, e.g. expense:fees:stripe')
    .requiredOption('--note <n>', 'why')
    .action((breakId: string, options: { account: string; note: string }) =>
      withConnection(io, 'reconcile resolve', async ({ pool, store }) => {
        try {
          const resolved = await resolveBreak(pool, store, {
            breakId,
            account: options.account,
            note: options.note,
            actor: actor(),
            now: new Date(),
          });
          io.stdout(`${JSON.stringify(resolved)}\n`);
        } catch (error) {
          if (error instanceof ResolveBreakError) throw new CliError(error.message, error.code === 'validation_failed' ? 2 : 1);
          throw error;
        }
      }),
    );
}
