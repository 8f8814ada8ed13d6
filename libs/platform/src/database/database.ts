import { Client, Pool, type PoolConfig } from 'pg';
import { migrations } from '../../../../migrations';

/** A session of ours left idle inside a transaction holds the event store's read horizon (every projector): end it. */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

export function createPool(url: string, config: Omit<PoolConfig, 'connectionString'> = {}): Pool {
  const pool = new Pool({ connectionString: url, max: 20, idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS, ...config });
  // An idle client's error (e.g. the server restarting) must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  // Nor a checked-out one's: pg-pool stops listening while a client is out, and a session ended under it
  // (pg_ctl stop, a restart, a cut) is then an unhandled 'error' event. Its queries still fail, and the pool
  // drops it on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/**
 * Applies every pending migration (TypeORM's migration table keeps track). TypeORM (300 modules, resident for
 * good once loaded) loads only when one is pending: under `npm start` the dev stack migrates before its apps
 * start, and each app's own check is then one query.
 */
export async function runMigrations(url: string): Promise<string[]> {
  if (await allApplied(url)) return [];
  const { DataSource } = await import('typeorm');
  const dataSource = new DataSource({ type: 'postgres', url, migrations, migrationsTableName: 'migrations', logging: false });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/** Whether the migrations table names every migration already; false when it cannot tell (no table yet). */
async function allApplied(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ name: string }>('SELECT name FROM migrations');
    const applied = new Set(rows.map((row) => row.name));
    return migrations.every((Migration) => applied.has(new Migration().name ?? Migration.name));
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
