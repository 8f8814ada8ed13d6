import type { LedgerConfig } from './config/config';
import { startEmbeddedPostgres, type RunningService } from './embedded/embedded-postgres';
import { startRedisServer } from './embedded/redis-server';
import { runMigrations } from './database/database';

export interface Infrastructure {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  stop(): Promise<void>;
}

/**
 * The embedded defaults of CONTRACT.md: PostgreSQL from the npm package when
 * DATABASE_URL is unset, a local redis-server when REDIS_URL is unset.
 */
export async function resolveInfrastructure(
  config: LedgerConfig,
  options: { migrate?: boolean; redis?: boolean; log?: (line: string) => void } = {},
): Promise<Infrastructure> {
  const started: RunningService[] = [];
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({ dataDir: config.LEDGER_DATA_DIR, log: options.log && (() => undefined) });
    started.push(pg);
    databaseUrl = pg.url;
  }
  let redisUrl = config.REDIS_URL ?? '';
  if (!redisUrl && options.redis !== false) {
    const redis = await startRedisServer({ dataDir: config.LEDGER_DATA_DIR });
    started.push(redis);
    redisUrl = redis.url;
  }
  if (options.migrate !== false) await runMigrations(databaseUrl);
  return {
    databaseUrl,
    redisUrl,
    stop: async () => {
      for (const s of started.reverse()) if (s.owned) await s.stop();
    },
  };
}
