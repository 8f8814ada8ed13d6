import type { Command } from 'commander';
import {
  BOOKS_PROJECTION,
  BooksBehindError,
  BooksQueryError,
  closePeriod,
  journalCsvHeader,
  journalCsvRows,
  parseCurrency,
  parseOptionalMoment,
  parseRangeStart,
  queryBalances,
  queryJournal,
  queryTrialBalance,
  type BalanceRow,
} from '@ledger/books';
import { readCheckpoint } from '@ledger/projections';
import { withConnection } from '../audit/context';
import { CliError, type CliIo } from '../io';

const FORMATS = ['table', 'ndjson', 'csv'] as const;

/** A bad parameter is one line and exit 2, like any command that cannot run. */
function parsed<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof BooksQueryError) throw new CliError(error.message, 2);
    throw error;
  }
}

function printBalances(io: CliIo, rows: readonly BalanceRow[]): void {
  io.stdout(`${['account', 'type', 'currency', 'debits', 'credits', 'balance'].join('\t')}\n`);
  for (const r of rows) io.stdout(`${[r.account, r.type, r.currency, r.debits, r.credits, r.balance].join('\t')}\n`);
}

/** `ledger books balances | trial-balance | journal | close` (CONTRACT.md › "Books"). */
export function registerBooksCommands(program: Command, io: CliIo): void {
  const books = program.command('books').description('the double-entry books: balances, trial balance, journal, period closes');
  books
    .command('balances')
    .description('balance of every account per currency, as of an effective time and as known at a recorded time')
    .option('--as-of <t>', 'effective time (ISO 8601 instant, or a UTC date: the end of that day); default now')
    .option('--known-at <t>', 'what the books showed at this recorded time; default now')
    .option('--currency <c>', 'one currency')
    .action((options: { asOf?: string; knownAt?: string; currency?: string }) => {
      const now = new Date();
      const query = parsed(() => ({
        asOf: parseOptionalMoment(options.asOf, '--as-of'),
        knownAt: parseOptionalMoment(options.knownAt, '--known-at'),
        currency: parseCurrency(options.currency, '--currency'),
        now,
      }));
      return withConnection(io, 'books balances', async ({ pool }) => printBalances(io, await queryBalances(pool, query)));
    });
  books
    .command('trial-balance')
    .description('per currency Σ debits, Σ credits and their difference (always 0), then every account')
    .option('--as-of <t>', 'effective time; default now')
    .action((options: { asOf?: string }) => {
      const now = new Date();
      const asOf = parsed(() => parseOptionalMoment(options.asOf, '--as-of'));
      return withConnection(io, 'books trial-balance', async ({ pool }) => {
        const trial = await queryTrialBalance(pool, { asOf, now });
        io.stdout(`as of ${trial.asOf}\n${['currency', 'debits', 'credits', 'difference'].join('\t')}\n`);
        for (const c of trial.currencies) io.stdout(`${[c.currency, c.debits, c.credits, c.difference].join('\t')}\n`);
        io.stdout('\n');
        printBalances(io, trial.accounts);
      });
    });
  books
    .command('journal')
    .description('journal entries by effective date, [from, to)')
    .requiredOption('--from <t>', 'first effective time (a UTC date: its start)')
    .requiredOption('--to <t>', 'end, exclusive (a UTC date: its start)')
    .option('--format <f>', `one of ${FORMATS.join(', ')}`, 'table')
    .option('--account <a>', 'entries with a line on this account')
    .action((options: { from: string; to: string; format: string; account?: string }) => {
      if (!(FORMATS as readonly string[]).includes(options.format)) throw new CliError(`--format: one of ${FORMATS.join(', ')}`, 2);
      const range = parsed(() => ({ from: parseRangeStart(options.from, '--from'), to: parseRangeStart(options.to, '--to') }));
      return withConnection(io, 'books journal', async ({ pool }) => {
        if (options.format === 'csv') io.stdout(`${journalCsvHeader()}\n`);
        if (options.format === 'table')
          io.stdout(`${['effective', 'entry', 'account', 'currency', 'debit', 'credit', 'payment', 'memo'].join('\t')}\n`);
        let cursor: string | undefined;
        do {
          const page = await queryJournal(pool, { ...range, account: options.account, cursor, limit: 1000 });
          for (const entry of page.entries) {
            if (options.format === 'ndjson') io.stdout(`${JSON.stringify(entry)}\n`);
            else if (options.format === 'table') {
              for (const l of entry.lines) {
                const memo = entry.late ? `${entry.memo} (late)` : entry.memo;
                io.stdout(
                  `${[entry.effectiveAt, entry.entryId, l.account, l.currency, l.debit, l.credit, entry.paymentId ?? '', memo].join('\t')}\n`,
                );
              }
            }
          }
          if (options.format === 'csv' && page.entries.length > 0) io.stdout(`${journalCsvRows(page.entries).join('\n')}\n`);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      });
    });
  books
    .command('close')
    .description('close a calendar month (UTC): waits until the books applied every event recorded so far, then appends the close')
    .argument('<period>', 'YYYY-MM')
    .option('--wait <seconds>', 'how long to wait for the books to catch up', '60')
    .action((period: string, options: { wait: string }) =>
      withConnection(io, `books close ${period}`, async ({ pool, store }) => {
        const checkpoint = {
          read: async () => (await readCheckpoint(pool, BOOKS_PROJECTION)).position,
          lock: async (tx: Parameters<typeof readCheckpoint>[0]) => (await readCheckpoint(tx, BOOKS_PROJECTION, true)).position,
        };
        try {
          const outcome = await closePeriod({
            pool,
            store,
            checkpoint,
            period,
            now: new Date(),
            actor: 'cli:books-close',
            waitMs: Number(options.wait) * 1000,
          });
          if (!outcome.closed) throw new CliError(`refused: ${outcome.reason}`, 1);
          const { data } = outcome;
          io.stdout(
            `closed ${data.period}: ${data.entries} entries, ${data.lines} lines, covered ${data.coveredPosition}, journal sha256 ${data.journalHash}\n`,
          );
        } catch (error) {
          if (error instanceof BooksBehindError) throw new CliError(error.message, 2);
          throw error;
        }
      }),
    );
}
