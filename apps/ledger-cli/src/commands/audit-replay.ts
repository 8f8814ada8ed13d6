import { InvalidArgumentError, Option, type Command } from 'commander';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { InvalidPositionError, parsePosition, type Position, type RecordedEvent } from '@ledger/event-store';
import { openPersonalFields } from '@ledger/payments-app';
import { StreamUpcaster } from '@ledger/payments-domain';
import type { LedgerConfig } from '@ledger/platform';
import { createLogger, DataKeyStore, isSealed, PersonalDataCipher, type Open } from '@ledger/security';
import { withConnection } from '../audit/context';
import { writeOut } from '../audit/output';
import { correctedPage } from '../audit/replay/corrected';
import { ndjson, tableHeader, tableRows } from '../audit/replay/format';
import { readEvents } from '../audit/replay/read-events';
import { requireMasterKeyring } from '../connect';
import { CliError, type CliIo } from '../io';

interface ReplayOptions {
  stream?: string;
  fromPosition?: Position;
  toPosition?: Position;
  format: 'ndjson' | 'table';
  asStored?: boolean;
}

/** `ledger audit replay`: the event stream in global order, streamed with backpressure. */
export function registerReplayCommand(audit: Command, io: CliIo): void {
  audit
    .command('replay')
    .description('print the event stream in global order (every stream, one stream, or a position range)')
    .option('--stream <id>', 'one stream only, e.g. payment-<id>')
    .option('--from-position <p>', 'first position to print, inclusive ("<commit>/<prepare>")', position)
    .option('--to-position <p>', 'last position to print, inclusive', position)
    .addOption(
      new Option('--format <format>', 'one JSON event per line, or a table to read').choices(['ndjson', 'table']).default('ndjson'),
    )
    .option(
      '--as-stored',
      'print events as stored: personal fields as ciphertext instead of opening them, old provider-unit amounts uncorrected',
    )
    .action((options: ReplayOptions) =>
      withConnection(io, 'audit replay', async ({ store, pool, config }) => {
        const range = { stream: options.stream, from: options.fromPosition, to: options.toPosition };
        // Personal fields are opened for the auditor (a forgotten customer's read "[forgotten]"), and each
        // payment whose personal data is read is recorded in the read log: who, which payment, when (PCI DSS
        // 10.2), one pino line per payment in the CLI's log file; standard error gets one summary line.
        // The apps' key, looked up (never generated) at the first sealed field: a history without any needs none.
        let opener: Open | undefined;
        const openerOf = (): Open =>
          (opener ??= new PersonalDataCipher(
            new DataKeyStore(pool, requireMasterKeyring(config, 'audit replay: opening personal data (or pass --as-stored)')),
          ).opener());
        const open: Open = (value) => openerOf()(value);
        const logged = new Set<string>();
        const actor = `${userInfo().username}@cli`;
        let readLog: { logger: Logger; path: string } | undefined;
        const opened = async (page: RecordedEvent[]) => {
          if (options.asStored) return page;
          return Promise.all(
            page.map(async (event) => {
              if (!hasSealed(event)) return event;
              // The key first: without it nothing is read, so nothing is logged (and no read log is made).
              openerOf();
              if (!logged.has(event.streamId)) {
                readLog ??= openReadLog(config);
                readLog.logger.info(
                  { command: 'audit replay', actor, paymentId: event.streamId.replace(/^payment-/, ''), streamId: event.streamId },
                  'personal data read',
                );
                logged.add(event.streamId);
              }
              return openPersonalFields(event, open);
            }),
          );
        };
        // The one line about it, also when the reader stops early (`| head` closes the pipe and the process exits).
        let summarised = false;
        const summarise = () => {
          if (!readLog || summarised) return;
          summarised = true;
          io.stderr(
            `personal data of ${logged.size} payment${logged.size === 1 ? '' : 's'} read by ${actor}; each read is in the read log ${readLog.path}\n`,
          );
        };
        process.once('exit', summarise);
        try {
          if (options.format === 'table') await writeOut(io, tableHeader());
          let count = 0;
          const upcaster = new StreamUpcaster();
          for await (const stored of readEvents(store, range)) {
            const page = options.asStored ? stored : await correctedPage(store, upcaster, await opened(stored));
            await writeOut(io, options.format === 'table' ? tableRows(page) : ndjson(page));
            count += page.length;
          }
          io.stderr(`${count} events\n`);
        } finally {
          process.off('exit', summarise);
          summarise();
        }
      }),
    );
}

/** The CLI's read log: `ledger-cli.log` in LOG_DIR, else in `<LEDGER_DATA_DIR>/logs/`. Unwritable: nothing is opened. */
function readLogPath(config: Pick<LedgerConfig, 'LOG_DIR' | 'LEDGER_DATA_DIR'>): string {
  return resolve(config.LOG_DIR ?? join(config.LEDGER_DATA_DIR, 'logs'), 'ledger-cli.log');
}

function openReadLog(config: LedgerConfig): { logger: Logger; path: string } {
  const path = readLogPath(config);
  try {
    return { logger: createLogger({ name: 'ledger-cli', file: path }), path };
  } catch (error) {
    throw new CliError(
      `audit replay: cannot write the read log ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); set LOG_DIR or pass --as-stored`,
      2,
    );
  }
}

function position(value: string): Position {
  try {
    return parsePosition(value);
  } catch (error) {
    if (error instanceof InvalidPositionError) throw new InvalidArgumentError('expected "<commit>/<prepare>", e.g. 1234/5678');
    throw error;
  }
}

const hasSealed = (event: RecordedEvent): boolean =>
  [event.data, event.metadata].some(function walk(v: unknown): boolean {
    if (isSealed(v)) return true;
    if (typeof v === 'object' && v !== null) return Object.values(v).some(walk);
    return false;
  });
