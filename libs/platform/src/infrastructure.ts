import { resolve } from 'node:path';
import { Client } from 'pg';
import type { LedgerConfig } from './config/config';
import { checkDatabaseUrl } from './config/database-check';
import { DataDirHeldError, dataDirHolder, holdDataDir, type DataDirHolder } from './embedded/data-dir-lock';
import { embeddedCluster, startEmbeddedPostgres, type RunningService } from './embedded/embedded-postgres';
import { startRedisServer } from './embedded/redis-server';
import { runMigrations } from './database/database';

export interface Infrastructure {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  stop(): Promise<void>;
}

/**
 * The embedded defaults of CONTRACT.md: PostgreSQL from the npm package when
 * DATABASE_URL is unset, a local redis-server when REDIS_URL is unset. This is
 * `npm start`'s way (it holds the data dir meanwhile); the `ledger` CLI uses
 * `connectInfrastructure` instead.
 */
export async function resolveInfrastructure(
  config: LedgerConfig,
  options: { migrate?: boolean; redis?: boolean; log?: (line: string) => void } = {},
): Promise<Infrastructure> {
  const started: RunningService[] = [];
  let databaseUrl = config.DATABASE_URL;
  // A configured database that does not answer stops the start with one line naming DATABASE_URL, not a driver's stack.
  if (databaseUrl) await checkDatabaseUrl(databaseUrl);
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({ dataDir: config.LEDGER_DATA_DIR, log: options.log && (() => undefined) });
    started.push(pg);
    databaseUrl = pg.url;
  }
  let redisUrl = config.REDIS_URL ?? '';
  if (!redisUrl && options.redis !== false) {
    const redis = await startRedisServer({ dataDir: config.LEDGER_DATA_DIR });
    started.push(redis);
    redisUrl = redis.url;
  }
  if (options.migrate !== false) await runMigrations(databaseUrl);
  return {
    databaseUrl,
    redisUrl,
    stop: async () => {
      for (const s of started.reverse()) if (s.owned) await s.stop();
    },
  };
}

/** The database could not be reached, or may not be started here: the message is the one line to print (no password in it). */
export class InfrastructureUnavailableError extends Error {
  constructor(
    message: string,
    /** host:port/db, or the data dir when there is no address. */
    readonly address: string,
    readonly holder?: DataDirHolder,
  ) {
    super(message);
    this.name = 'InfrastructureUnavailableError';
  }
}

export interface ConnectOptions {
  /** Who claims the data dir if the embedded PostgreSQL has to be started, e.g. `ledger projections status`. */
  readonly owner: string;
  /** Told, in one line, when this call started the embedded PostgreSQL (and so stops it in `stop()`). */
  readonly notice?: (line: string) => void;
  readonly connectTimeoutMs?: number;
}

/**
 * The `ledger` CLI's one way to its database: it connects to what runs and
 * never starts, stops or migrates a database something else runs.
 *
 * - DATABASE_URL set: that database, checked to answer; nothing is started.
 * - Unset: the embedded cluster recorded in `<dataDir>/postgres/state.json`.
 *   If it answers, it is used as is (and left running). If it does not and a
 *   live process holds the data dir (`npm start`, another command), or its
 *   postmaster is still alive, nothing is started: the holder owns it. Only
 *   when nobody holds the dir is the existing cluster started, with the dir
 *   claimed for `owner`; `stop()` stops it and releases the dir. A data dir
 *   without a cluster is never initialised.
 *
 * Every refusal is an InfrastructureUnavailableError whose message is one line
 * naming the address. Redis is never started (REDIS_URL or nothing).
 */
export async function connectInfrastructure(config: LedgerConfig, options: ConnectOptions): Promise<Infrastructure> {
  const redisUrl = config.REDIS_URL ?? '';
  const timeout = options.connectTimeoutMs ?? 5_000;
  const connected = (databaseUrl: string): Infrastructure => ({ databaseUrl, redisUrl, stop: async () => undefined });

  if (config.DATABASE_URL) {
    const address = describeDatabaseUrl(config.DATABASE_URL);
    const failure = await connectFailure(config.DATABASE_URL, timeout);
    if (failure) throw new InfrastructureUnavailableError(`database unreachable at ${address}: ${failure}`, address);
    return connected(config.DATABASE_URL);
  }

  const dataDir = resolve(config.LEDGER_DATA_DIR);
  const cluster = embeddedCluster(dataDir);
  const nothingToRead = () =>
    new InfrastructureUnavailableError(
      `nothing to read: no PostgreSQL cluster in ${dataDir} (DATABASE_URL is unset); run \`npm start\` first or set DATABASE_URL`,
      dataDir,
    );
  if (!cluster) throw nothingToRead();
  const { address } = cluster;
  const failure = await connectFailure(cluster.url, timeout);
  if (!failure) return connected(cluster.url);

  const held = (holder: DataDirHolder) =>
    new InfrastructureUnavailableError(
      `database unreachable at ${address} (${failure}): the embedded PostgreSQL of ${dataDir} belongs to ${holder.owner} ` +
        `(pid ${holder.pid}), so it is not started here; try again once it is back`,
      address,
      holder,
    );
  const holder = dataDirHolder(dataDir);
  if (holder) throw held(holder);
  if (!cluster.initialised) throw nothingToRead();
  if (cluster.postmasterPid !== undefined) {
    throw new InfrastructureUnavailableError(
      `database unreachable at ${address} (${failure}), yet its server (pid ${cluster.postmasterPid}) still runs on ${dataDir}: ` +
        'not starting another; try again once it answers',
      address,
    );
  }

  let hold: { release(): void };
  try {
    hold = holdDataDir(dataDir, options.owner);
  } catch (error) {
    if (error instanceof DataDirHeldError) throw held(error.holder);
    throw error;
  }
  let pg: RunningService;
  try {
    pg = await startEmbeddedPostgres({ dataDir, initialise: false });
  } catch (error) {
    hold.release();
    throw new InfrastructureUnavailableError(
      `could not start the embedded PostgreSQL at ${address} on ${dataDir}: ${firstLine(error)}`,
      address,
    );
  }
  if (!pg.owned) {
    // It came up on its own meanwhile (not ours to stop).
    hold.release();
    return connected(pg.url);
  }
  options.notice?.(
    `started the embedded PostgreSQL at ${address} on ${dataDir} for ${options.owner} (nothing was running it); it stops when the command ends`,
  );
  return {
    databaseUrl: pg.url,
    redisUrl,
    stop: async () => {
      try {
        await pg.stop();
      } finally {
        hold.release();
      }
    },
  };
}

/** host:port/db only: a URL's password never reaches a message. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    return 'DATABASE_URL (not a URL)';
  }
}

/** Why a connection to `url` fails, in one line; undefined when it answers a query. */
async function connectFailure(url: string, timeoutMs: number): Promise<string | undefined> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return firstLine(error) || (error as { code?: string }).code || 'connection failed';
  } finally {
    await client.end().catch(() => undefined);
  }
}

const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error ?? '')).split('\n', 1)[0].trim();
