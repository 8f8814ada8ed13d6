import { ConfigError, loadConfig, resolveInfrastructure, type LedgerConfig } from '@ledger/platform';
import { createApiApp } from './app';

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
  const { app, logger } = await createApiApp({ config, ...infrastructure, onShutdown: () => infrastructure.stop() });
  // SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close pools, then the embedded services.
  app.enableShutdownHooks();
  await app.listen(config.PORT, config.HOST);
  logger.info({ host: config.HOST, port: config.PORT }, 'ledger-api listening');
}

void main().catch((error: unknown) => {
  process.stderr.write(`ledger-api: failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
