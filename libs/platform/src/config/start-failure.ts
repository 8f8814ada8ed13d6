import { createLogger } from '@ledger/security';
import { ConfigError } from './config';

/**
 * What an app writes when it cannot start, then exit 1: one line in the apps' log format (pino JSON on
 * standard error, level 60) whose `msg` is the reason. A ConfigError is its own message (`PORT: "abc" is not a
 * number`, `DATABASE_URL: cannot connect to 127.0.0.1:1 (ECONNREFUSED)`); anything else is `failed to start:`
 * with its first line, and its stack beside it for what nobody foresaw.
 */
export function failedToStart(app: string, error: unknown, exit: (code: number) => void = (code) => process.exit(code)): void {
  const logger = createLogger({ name: app, fd: 2 });
  if (error instanceof ConfigError) logger.fatal(error.message);
  else {
    const message = (error instanceof Error ? error.message : String(error)).split('\n', 1)[0];
    logger.fatal({ err: error instanceof Error ? { type: error.name, stack: error.stack } : undefined }, `failed to start: ${message}`);
  }
  logger.flush?.();
  exit(1);
}
