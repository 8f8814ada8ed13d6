import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { failedToStart, loadConfig, resolveInfrastructure } from '@ledger/platform';
import { createLogger } from '@ledger/security';
import { AlertWorkerModule } from './alert-worker.module';

/**
 * The alert worker: relays the projector's outbox into BullMQ and delivers each
 * alert to its sinks. SIGTERM / SIGINT finish the jobs in hand, then exit 0.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ name: 'alert-worker', level: config.LOG_LEVEL });
  const infrastructure = await resolveInfrastructure(config, { log: (line) => logger.info(line) });
  const app = await NestFactory.createApplicationContext(
    AlertWorkerModule.forRoot({ config, databaseUrl: infrastructure.databaseUrl, redisUrl: infrastructure.redisUrl, poolSize: 10 }, logger),
    { logger: false },
  );
  logger.info({ webhook: Boolean(config.ALERT_WEBHOOK_URL) }, 'alert worker started');
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'alert worker stopping after the jobs in hand');
  await app.close();
  await infrastructure.stop();
  logger.info('alert worker stopped');
  process.exit(0);
}

main().catch((error) => failedToStart('alert-worker', error));
