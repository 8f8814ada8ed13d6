import cluster from 'node:cluster';
import {
  catchStopSignal,
  failedToStart,
  loadConfig,
  resolveInfrastructure,
  serviceHeapFlags,
  type LedgerConfig,
  type StopSignal,
} from '@ledger/platform';
import { createLogger } from '@ledger/security';
import { createApiApp } from './app';
import { serveClusterMetrics } from './metrics/cluster-metrics';

async function main(): Promise<void> {
  const config = loadConfig();
  // Caught from the first line. Until the API listens nothing is in flight: a signal (one held while the
  // embedded services booted, or one while the app waits for its database) stops the embedded services and
  // exits 0. The signal's default action killed the process half-started and left them running.
  const stopping = catchStopSignal();
  const infrastructure = await resolveInfrastructure(config);
  if (config.API_WORKERS > 1 && cluster.isPrimary) return supervise(config, infrastructure, stopping);
  const started = stopping.exitWhileStarting(() => infrastructure.stop());
  if (stopping.signal.aborted) return;
  const { app, logger, metrics } = await createApiApp({
    config,
    ...infrastructure,
    onShutdown: cluster.isWorker ? undefined : () => infrastructure.stop(),
  });
  if (cluster.isWorker) metrics.joinCluster();
  await app.listen(config.PORT, config.HOST);
  if (!started()) return; // signalled while it started: the exit is under way
  // From here SIGTERM/SIGINT stop accepting, let in-flight requests finish, close pools, then the embedded services.
  app.enableShutdownHooks();
  logger.info({ host: config.HOST, port: config.PORT, worker: cluster.worker?.id }, 'ledger-api listening');
}

/**
 * API_WORKERS > 1: one process per worker sharing the port (node:cluster), so
 * the API can use every core. The primary owns the embedded services; workers
 * get their URLs and never start or stop them.
 */
function supervise(config: LedgerConfig, infrastructure: Awaited<ReturnType<typeof resolveInfrastructure>>, signalled: StopSignal): void {
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'ledger-api' });
  const workers = config.API_WORKERS;
  const env = { DATABASE_URL: infrastructure.databaseUrl, REDIS_URL: infrastructure.redisUrl };
  let stopping = false;
  const fork = () => cluster.fork(env);
  cluster.setupPrimary({ execArgv: [...process.execArgv, ...serviceHeapFlags()] });
  serveClusterMetrics();
  for (let i = 0; i < workers; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.warn({ worker: worker.id, exit: signal ?? code }, 'worker exited; starting another');
    fork();
  });
  const stop = async () => {
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead());
    await Promise.all(alive.map((w) => new Promise((resolve) => w!.once('exit', resolve).process.kill('SIGTERM'))));
    await infrastructure.stop();
    process.exit(0);
  };
  void signalled.received.then(stop);
}

void main().catch((error: unknown) => failedToStart('ledger-api', error));
