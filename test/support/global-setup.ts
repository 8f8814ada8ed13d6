import { mkdtempSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
// Direct file imports: Jest's moduleNameMapper does not apply to globalSetup.
import { runMigrations, withDatabase } from '../../libs/platform/src/database/database';
import { startEmbeddedPostgres } from '../../libs/platform/src/embedded/embedded-postgres';
import { startRedisServer } from '../../libs/platform/src/embedded/redis-server';
import { TEMPLATE_DATABASE, TEST_ENV_FILE } from './test-env';

/**
 * Real services for the whole run, started by the tests themselves (no Docker):
 * PostgreSQL from the embedded-postgres package, a redis-server, and a template
 * database migrated once that every spec file copies.
 */
export default async function globalSetup(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-test-'));
  chmodSync(dataDir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir, fast: true });
  const redis = await startRedisServer({ dataDir });
  const admin = new Client({ connectionString: pg.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  await runMigrations(withDatabase(pg.url, TEMPLATE_DATABASE));
  process.env.TEST_PG_URL = pg.url;
  process.env.TEST_REDIS_URL = redis.url;
  process.env.TEST_DATA_DIR = dataDir;
  writeFileSync(TEST_ENV_FILE, JSON.stringify({ pg: pg.url, redis: redis.url, dataDir }));
  (globalThis as Record<string, unknown>).__LEDGER_SERVICES__ = [redis, pg];
  if (!process.env.EVENTSTORE_CONNECTION_STRING) {
    console.log(
      '\nEventStoreDB contract suite: not run (EVENTSTORE_CONNECTION_STRING is unset; `npm run test:eventstoredb` runs it against a server).',
    );
  }
}
