import type { Pool } from 'pg';
import { createEventStore, type EventStore } from '@ledger/event-store';
import { alertSettingsFromConfig, createAlertHook } from '@ledger/monitoring';
import {
  catchStopSignal,
  createPool,
  failedToStart,
  loadConfig,
  resolveInfrastructure,
  startMetricsServer,
  waitForEventStore,
  type LedgerConfig,
  type StopSignal,
} from '@ledger/platform';
import { alertReadModels, projectionRegistry } from '@ledger/projections';
import { createLogger } from '@ledger/security';
import { startFraudVelocity } from './fraud-velocity';
import { projectorLog, type ProjectorLog } from './log';
import { ProjectorMetrics } from './metrics/projector-metrics';
import { startProjector } from './projector';

/**
 * How long a caught-up subscription of the projector waits before it polls again. Each of its five subscribers
 * (four projections and the fraud-velocity manager) pays its read and its batch transaction (checkpoint, writes,
 * notify, commit) per poll, whatever the batch holds. Under bench:system (load 7-9, one run each) the projector's
 * PostgreSQL round trips per command were 4.64 at the store's 50 ms, 2.16 at 100 ms and 2.24 at 200 ms (under
 * load a batch outlasts either wait), with projection lag p99 0.27, 0.43 and 0.53 s against the 1 s target.
 */
const PROJECTOR_POLL_MS = 100;

/**
 * The projector process: every projection from its stored checkpoint until
 * SIGTERM / SIGINT, then the batch in flight is finished and it exits 0. A
 * projection that cannot apply an event stops the process (exit 1) loudly.
 * It logs as every app does (the scrubbing pino logger), on standard error as it always has.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = projectorLog(createLogger({ name: 'projector', level: config.LOG_LEVEL, fd: 2 }));
  // Caught from here on: a signal during the start cuts it short or stops the projector once it runs.
  const stopping = catchStopSignal((signal) => log('stopping', { signal }));
  const infrastructure = await resolveInfrastructure(config, { redis: false });
  const pool = createPool(infrastructure.databaseUrl, { max: 10, application_name: 'projector' });
  const store = createEventStore(config, pool, { pollIntervalMs: PROJECTOR_POLL_MS });
  let exitCode = 0;
  if (await waitForEventStore(store, { log, signal: stopping.signal })) exitCode = await project(config, pool, store, log, stopping);
  log.flush();
  await store.close();
  await pool.end();
  await infrastructure.stop();
  process.exit(exitCode);
}

/** Every projection and the fraud-velocity manager, until the stop signal or an error (exit code 1). */
async function project(config: LedgerConfig, pool: Pool, store: EventStore, log: ProjectorLog, stopping: StopSignal): Promise<number> {
  // Alerts are raised in the ledger projection's batch transaction (outbox); the alert-worker relays them.
  const metrics = new ProjectorMetrics(pool, store, config.SUSPICIOUS_AMOUNTS);
  const onBatch = metrics.hooks({ ledger: createAlertHook(alertSettingsFromConfig(config), alertReadModels) });
  const metricsServer = await startMetricsServer(metrics.registry, config.PROJECTOR_METRICS_PORT, config.HOST, log);
  const projections = startProjector({
    pool,
    store,
    batchSize: config.PROJECTOR_BATCH_SIZE,
    onBatch,
    log,
    projections: projectionRegistry({ settlementWindows: config.SETTLEMENT_WINDOWS }),
  });
  // The fraud-velocity process manager runs here too, under its own lock: it fails the process like a projection.
  const fraud = await startFraudVelocity(config, pool, store, log);
  const stop = () => Promise.all([projections.stop(), fraud.stop()]).then(() => undefined);
  if (stopping.signal.aborted) void stop();
  else stopping.signal.addEventListener('abort', () => void stop(), { once: true });
  let exitCode = 0;
  try {
    await Promise.all([projections.done, fraud.done]);
  } catch (error) {
    exitCode = 1;
    log('projection stopped on an error', { error: (error as Error).message });
    await stop();
  }
  await metricsServer.close();
  return exitCode;
}

main().catch((error) => failedToStart('projector', error));
