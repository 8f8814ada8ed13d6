import { Command, CommanderError } from 'commander';
import { ConfigError } from '@ledger/platform';
import { registerApiKeyCommands } from './commands/api-keys';
import { registerAuditCommands } from './commands/audit-commands';
import { registerBooksCommands } from './commands/books';
import { registerCustomerCommands } from './commands/customers';
import { registerKeyCommands } from './commands/keys';
import { registerProjectionCommands } from './commands/projections';
import { registerReconcileCommands } from './commands/reconcile';
import { registerStoreCommands } from './commands/store';
import { CliError, type CliIo } from './io';

/** The `ledger` program; returns the exit code instead of exiting, so tests run it in-process. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('ledger')
    .description('Payment ledger: operators and auditors')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerApiKeyCommands(program, io);
  registerAuditCommands(program, io);
  registerProjectionCommands(program, io);
  registerCustomerCommands(program, io);
  registerKeyCommands(program, io);
  registerStoreCommands(program, io);
  registerBooksCommands(program, io);
  registerReconcileCommands(program, io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CliError) {
      io.stderr(`ledger: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ConfigError) {
      io.stderr(`ledger: ${error.message}\n`);
      return 2;
    }
    io.stderr(`ledger: ${(error as Error).message}\n`);
    return 1;
  }
}
