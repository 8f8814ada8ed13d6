import { InvalidArgumentError, Option, type Command } from 'commander';
import { userInfo } from 'node:os';
import { InvalidPositionError, parsePosition, type Position, type RecordedEvent } from '@ledger/event-store';
import { openPersonalFields } from '@ledger/payments-app';
import { DataKeyStore, isSealed, PersonalDataCipher, type Open } from '@ledger/security';
import { withAuditContext } from '../audit/context';
import { writeOut } from '../audit/output';
import { ndjson, tableHeader, tableRows } from '../audit/replay/format';
import { readEvents } from '../audit/replay/read-events';
import { requireMasterKeyring } from '../connect';
import type { CliIo } from '../io';

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
    .option('--as-stored', 'print personal fields as stored (ciphertext) instead of opening them')
    .action((options: ReplayOptions) =>
      withAuditContext(io, 'audit replay', async ({ store, pool, config }) => {
        const range = { stream: options.stream, from: options.fromPosition, to: options.toPosition };
        // Personal fields are opened for the auditor (a forgotten customer's read "[forgotten]"), and each
        // payment whose personal data is read is logged on standard error: who, which payment, when (PCI DSS 10.2).
        // The apps' key, looked up (never generated) at the first sealed field: a history without any needs none.
        let opener: Open | undefined;
        const open: Open = (value) =>
          (opener ??= new PersonalDataCipher(
            new DataKeyStore(pool, requireMasterKeyring(config, 'audit replay: opening personal data (or pass --as-stored)')),
          ).opener())(value);
        const logged = new Set<string>();
        const reader = `${userInfo().username}@cli`;
        const opened = async (page: RecordedEvent[]) => {
          if (options.asStored) return page;
          return Promise.all(
            page.map(async (event) => {
              if (!hasSealed(event)) return event;
              if (!logged.has(event.streamId)) {
                logged.add(event.streamId);
                io.stderr(`personal data read: ${event.streamId} by ${reader} at ${new Date().toISOString()}\n`);
              }
              return openPersonalFields(event, open);
            }),
          );
        };
        if (options.format === 'table') await writeOut(io, tableHeader());
        let count = 0;
        for await (const stored of readEvents(store, range)) {
          const page = await opened(stored);
          await writeOut(io, options.format === 'table' ? tableRows(page) : ndjson(page));
          count += page.length;
        }
        io.stderr(`${count} events\n`);
      }),
    );
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
