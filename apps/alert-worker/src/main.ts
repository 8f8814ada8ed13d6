import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { catchStopSignal, failedToStart, loadConfig, resolveInfrastructure } from '@ledger/platform';
import { createLogger } from '@ledger/security';
import { AlertWorkerModule } from './alert-worker.module';

/**
 * The alert worker: relays the projector's outbox into BullMQ and delivers each
 * alert to its sinks. SIGTERM / SIGINT finish the jobs in hand, then exit 0.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ name: 'alert-worker', level: config.LOG_LEVEL });
  // Caught from here on. Until the worker has started no job is in hand: a signal (one held while the embedded
  // services booted, or one while it waits for its database) stops the embedded services and exits 0.
  const stopping = catchStopSignal();
  const infrastructure = await resolveInfrastructure(config, { log: (line) => logger.info(line) });
  const started = stopping.exitWhileStarting(() => infrastructure.stop());
  if (stopping.signal.aborted) return;
  const app = await NestFactory.createApplicationContext(
    AlertWorkerModule.forRoot(
      { config, databaseUrl: infrastructure.databaseUrl, redisUrl: infrastructure.redisUrl, poolSize: 10, applicationName: 'alert-worker' },
      logger,
    ),
    { logger: false },
  );
  if (!started()) return; // signalled while it started: the exit is under way
  logger.info({ webhook: Boolean(config.ALERT_WEBHOOK_URL) }, 'alert worker started');
  const signal = await stopping.received;
  logger.info({ signal }, 'alert worker stopping after the jobs in hand');
  await app.close();
  await infrastructure.stop();
  logger.info('alert worker stopped');
  process.exit(0);
}

main().catch((error) => failedToStart('alert-worker', error));
