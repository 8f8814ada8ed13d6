import type { Pool } from 'pg';
import {
  EventStoreUnavailableError,
  PostgresEventStore,
  assertEventStoreReachable,
  createEventStore,
  type EventStore,
} from '@ledger/event-store';
import { ConfigError, createPool, loadConfig, type LedgerConfig } from '@ledger/platform';
import { lostDatabase, openInfrastructure, UnreachableError } from '../connect';
import { CliError, type CliIo } from '../io';

/** What a CLI command runs against: the configuration, the database and the event store, open. */
export interface LedgerConnection {
  readonly config: LedgerConfig;
  readonly pool: Pool;
  readonly store: EventStore;
}

export const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message || error.name : String(error)).split('\n', 1)[0].trim();

/**
 * Opens the database (`openInfrastructure`: connect to what runs, never migrate, start the embedded
 * PostgreSQL only when nothing holds the data dir) and the event store, runs `body`, closes both.
 * Auditors' commands must not change what they audit. Unreachable is one line naming the address and
 * exit 2 (UnreachableError); anything else unexpected is one line and exit 2: "could not run".
 */
export async function withConnection<T>(
  io: CliIo,
  command: string,
  body: (ledger: LedgerConnection) => Promise<T>,
  config = loadCliConfig(io),
  options: { foreignHistory?: 'refuse' | 'allow' } = {},
): Promise<T> {
  const infrastructure = await openInfrastructure(io, config, command);
  const pool = createPool(infrastructure.databaseUrl, { max: 4, connectionTimeoutMillis: 5_000, application_name: `ledger ${command}` });
  let store: EventStore | undefined;
  try {
    store = createEventStore(config, pool);
    // Restored history from another server refuses (one line naming `ledger store rebase`), except for that command.
    if (options.foreignHistory !== 'allow' || !(store instanceof PostgresEventStore)) {
      await assertEventStoreReachable(store).catch((error: unknown) => {
        if (error instanceof EventStoreUnavailableError) throw new UnreachableError(firstLine(error));
        throw error;
      });
    }
    return await body({ config, pool, store });
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw lostDatabase(error, infrastructure.databaseUrl) ?? new CliError(firstLine(error), 2);
  } finally {
    await store?.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await infrastructure.stop().catch(() => undefined);
  }
}

/** The configuration from `io.env`; a bad one is a CliError (one line, exit 2), like an unreachable database. */
function loadCliConfig(io: CliIo): LedgerConfig {
  try {
    return loadConfig(io.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, 2);
    throw error;
  }
}
