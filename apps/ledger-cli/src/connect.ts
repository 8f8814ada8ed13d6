import type { Pool } from 'pg';
import {
  connectInfrastructure,
  createPool,
  describeDatabaseUrl,
  findMasterKeyring,
  InfrastructureUnavailableError,
  isDatabaseUnavailable,
  type Infrastructure,
  type LedgerConfig,
} from '@ledger/platform';
import type { Keyring } from '@ledger/security';
import { CliError, type CliIo } from './io';

/** The database or event store could not be reached (or may not be started here): one line naming the address, exit 2. */
export class UnreachableError extends CliError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** SQLSTATE undefined_table: the ledger's schema is not there. */
const UNDEFINED_TABLE = '42P01';

const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message || error.name : String(error)).split('\n', 1)[0].trim();

/**
 * Every command's way to its database (libs/platform `connectInfrastructure`): it connects to what runs,
 * and starts the data dir's embedded PostgreSQL only when nothing holds it, saying so in one line; `stop()`
 * then stops it. It never migrates.
 */
export async function openInfrastructure(io: CliIo, config: LedgerConfig, command: string): Promise<Infrastructure> {
  try {
    return await connectInfrastructure(config, { owner: `ledger ${command}`, notice: (line) => io.stderr(`ledger: ${line}\n`) });
  } catch (error) {
    if (error instanceof InfrastructureUnavailableError) throw new UnreachableError(error.message);
    throw new UnreachableError(`could not open the database: ${firstLine(error)}`);
  }
}

/** A small pool on the command's database for `work`; everything opened is closed (and whatever was started, stopped) after. */
export async function withPool<T>(io: CliIo, config: LedgerConfig, command: string, work: (pool: Pool) => Promise<T>): Promise<T> {
  const infrastructure = await openInfrastructure(io, config, command);
  const pool = createPool(infrastructure.databaseUrl, { max: 2, connectionTimeoutMillis: 5_000, application_name: `ledger ${command}` });
  try {
    return await work(pool);
  } catch (error) {
    throw lostDatabase(error, infrastructure.databaseUrl) ?? error;
  } finally {
    await pool.end().catch(() => undefined);
    await infrastructure.stop().catch(() => undefined);
  }
}

/**
 * The one line for a database error that is about the database rather than the command: it went away during
 * the command (naming its address), or it holds no ledger schema (the CLI never migrates). Undefined otherwise.
 */
export function lostDatabase(error: unknown, databaseUrl: string): CliError | undefined {
  if (error instanceof CliError) return undefined;
  const address = describeDatabaseUrl(databaseUrl);
  if (isDatabaseUnavailable(error))
    return new UnreachableError(`database unreachable at ${address}: ${firstLine(error) || 'connection lost'}`);
  if ((error as { code?: unknown }).code === UNDEFINED_TABLE) {
    return new CliError(
      `the database at ${address} is not migrated (${firstLine(error)}): the ledger CLI never migrates; \`npm start\` or the deploy's migrations do`,
      2,
    );
  }
  return undefined;
}

/**
 * The apps' master key, found where they find it (ENCRYPTION_KEY, or the data dir's development key file)
 * and never generated: a key made up here would open nothing the apps sealed.
 */
export function requireMasterKeyring(config: LedgerConfig, why: string): Keyring {
  const keyring = findMasterKeyring(config);
  if (keyring) return keyring;
  throw new CliError(
    `${why} needs the apps' master key: set ENCRYPTION_KEY, or LEDGER_DATA_DIR to the data dir whose encryption-key file the apps use ` +
      `(${config.LEDGER_DATA_DIR} has none)`,
    2,
  );
}
