import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations, startEmbeddedPostgres } from '../../libs/platform/src';

/**
 * The database a benchmark runs against: BENCH_DATABASE_URL when given (it is
 * migrated, and must be disposable), else a fresh embedded PostgreSQL with its
 * default, durable settings (fsync on) in a temporary directory, with `settings` added when given.
 */
export async function benchDatabase(settings?: Readonly<Record<string, string>>): Promise<{ url: string; stop(): Promise<void> }> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) {
    await runMigrations(given);
    return { url: given, stop: async () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
  chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: dir, settings });
  await runMigrations(pg.url);
  return {
    url: pg.url,
    stop: async () => {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
