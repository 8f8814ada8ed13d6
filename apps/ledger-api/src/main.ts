import cluster from 'node:cluster';
import { ConfigError, loadConfig, resolveInfrastructure, serviceHeapFlags, type LedgerConfig } from '@ledger/platform';
import { createApiApp } from './app';
import { serveClusterMetrics } from './metrics/cluster-metrics';

function configOrExit(): LedgerConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`ledger-api: ${error.message}\n`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const infrastructure = await resolveInfrastructure(config);
  if (config.API_WORKERS > 1 && cluster.isPrimary) return supervise(config.API_WORKERS, infrastructure);
  const { app, logger, metrics } = await createApiApp({
    config,
    ...infrastructure,
    onShutdown: cluster.isWorker ? undefined : () => infrastructure.stop(),
  });
  if (cluster.isWorker) metrics.joinCluster();
  // SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close pools, then the embedded services.
  app.enableShutdownHooks();
  await app.listen(config.PORT, config.HOST);
  logger.info({ host: config.HOST, port: config.PORT, worker: cluster.worker?.id }, 'ledger-api listening');
}

/**
 * API_WORKERS > 1: one process per worker sharing the port (node:cluster), so
 * the API can use every core. The primary owns the embedded services; workers
 * get their URLs and never start or stop them.
 */
function supervise(workers: number, infrastructure: Awaited<ReturnType<typeof resolveInfrastructure>>): void {
  const env = { DATABASE_URL: infrastructure.databaseUrl, REDIS_URL: infrastructure.redisUrl };
  let stopping = false;
  const fork = () => cluster.fork(env);
  cluster.setupPrimary({ execArgv: [...process.execArgv, ...serviceHeapFlags()] });
  serveClusterMetrics();
  for (let i = 0; i < workers; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    process.stderr.write(`ledger-api: worker ${worker.id} exited (${signal ?? code}); starting another\n`);
    fork();
  });
  const stop = async () => {
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead());
    await Promise.all(alive.map((w) => new Promise((resolve) => w!.once('exit', resolve).process.kill('SIGTERM'))));
    await infrastructure.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

void main().catch((error: unknown) => {
  process.stderr.write(`ledger-api: failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
