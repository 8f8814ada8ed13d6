import { InvalidArgumentError, Option, type Command } from 'commander';
import { InvalidPositionError, parsePosition, type Position } from '@ledger/event-store';
import { withAuditContext } from '../audit/context';
import { writeOut } from '../audit/output';
import { ndjson, tableHeader, tableRows } from '../audit/replay/format';
import { readEvents } from '../audit/replay/read-events';
import type { CliIo } from '../io';

interface ReplayOptions {
  stream?: string;
  fromPosition?: Position;
  toPosition?: Position;
  format: 'ndjson' | 'table';
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
    .action((options: ReplayOptions) =>
      withAuditContext(io, async ({ store }) => {
        const range = { stream: options.stream, from: options.fromPosition, to: options.toPosition };
        if (options.format === 'table') await writeOut(io, tableHeader());
        let count = 0;
        for await (const page of readEvents(store, range)) {
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
