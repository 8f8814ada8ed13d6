import type { Pool } from 'pg';
import { PostgresEventStore, assertEventStoreReachable, createEventStore, type EventStore } from '@ledger/event-store';
import { ConfigError, createPool, loadConfig, resolveInfrastructure, type LedgerConfig } from '@ledger/platform';
import { CliError, type CliIo } from '../io';

export interface AuditContext {
  readonly config: LedgerConfig;
  readonly pool: Pool;
  readonly store: EventStore;
}

export const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message || error.name : String(error)).split('\n', 1)[0].trim();

/**
 * Opens the database and the event store, runs `body`, closes both. Auditors'
 * commands never migrate (they must not change what they audit), and anything
 * unexpected becomes one line and exit 2: "could not run".
 */
export async function withAuditContext<T>(
  io: CliIo,
  body: (ctx: AuditContext) => Promise<T>,
  config = loadConfigOr2(io),
  options: { foreignHistory?: 'refuse' | 'allow' } = {},
): Promise<T> {
  let infrastructure;
  try {
    infrastructure = await resolveInfrastructure(config, { migrate: false, redis: false });
  } catch (error) {
    throw new CliError(`could not start the embedded database: ${firstLine(error)}`, 2);
  }
  const pool = createPool(infrastructure.databaseUrl, { max: 4, connectionTimeoutMillis: 5_000 });
  let store: EventStore | undefined;
  try {
    await pool.query('SELECT 1').catch((error) => {
      throw new CliError(
        `database unreachable at ${describeUrl(infrastructure.databaseUrl)}: ${firstLine(error) || 'connection failed'}`,
        2,
      );
    });
    store = createEventStore(config, pool);
    // Restored history from another server refuses (one line naming `ledger store rebase`), except for that command.
    if (options.foreignHistory !== 'allow' || !(store instanceof PostgresEventStore)) await assertEventStoreReachable(store);
    return await body({ config, pool, store });
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(firstLine(error), 2);
  } finally {
    await store?.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await infrastructure.stop().catch(() => undefined);
  }
}

export function loadConfigOr2(io: CliIo): LedgerConfig {
  try {
    return loadConfig(io.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, 2);
    throw error;
  }
}

/** host:port/db only: a URL's password never reaches the terminal. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}
