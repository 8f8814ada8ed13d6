import Redis from 'ioredis';
import { findPansIn, type PanMatch } from '@ledger/security';
import type { ApiHarness } from '../../../support/api-harness';

export interface Finding {
  readonly where: string;
  readonly pan: PanMatch;
}

// Digests (hex text, bytea as `\x…`) are bytes, not numbers: a run of their digits can pass Luhn by chance.
const DIGEST = /^(?:\\x)?[0-9a-f]{40,}$/;
const notDigest = (value: unknown): unknown =>
  typeof value === 'string' && DIGEST.test(value)
    ? ''
    : Array.isArray(value)
      ? value.map(notDigest)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, notDigest(v)]))
        : value;

/** Every row of every table in the spec's database (events, read models, idempotency, webhooks, alerts), value by value. */
export async function scanDatabase(api: ApiHarness): Promise<{ tables: string[]; rows: number; findings: Finding[] }> {
  const { rows: tables } = await api.db.pool.query<{ name: string }>(
    `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
  );
  const findings: Finding[] = [];
  let count = 0;
  for (const { name } of tables) {
    const { rows } = await api.db.pool.query<{ row: unknown }>(`SELECT to_jsonb(t) AS row FROM ${name} t`);
    count += rows.length;
    for (const { row } of rows) findings.push(...findPansIn(notDigest(row)).map((pan) => ({ where: name, pan })));
  }
  return { tables: tables.map((t) => t.name), rows: count, findings };
}

/** This harness's Redis keys: their names and their values. */
export async function scanRedis(redisUrl: string, prefix: string): Promise<{ keys: number; findings: Finding[] }> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const findings: Finding[] = [];
    let keys = 0;
    for await (const batch of redis.scanStream({ match: '*', count: 500 }) as AsyncIterable<string[]>) {
      for (const key of batch) {
        // Only this API's keys: the Redis is shared with every spec running at once, and their keys (queues named
        // after times and random ids) are no data of this API; a Luhn-valid window across their digits is chance.
        if (!key.startsWith(prefix)) continue;
        keys++;
        findings.push(...findPansIn(key).map((pan) => ({ where: `redis key ${key}`, pan })));
        const type = await redis.type(key);
        const value =
          type === 'string'
            ? await redis.get(key)
            : type === 'hash'
              ? await redis.hgetall(key)
              : type === 'zset'
                ? await redis.zrange(key, 0, -1)
                : null;
        findings.push(...findPansIn(value).map((pan) => ({ where: `redis ${key}`, pan })));
      }
    }
    return { keys, findings };
  } finally {
    redis.disconnect();
  }
}

/** Log lines are JSON: scanned value by value, like the scrubber writes them. */
export function scanLogs(lines: readonly string[]): Finding[] {
  return lines.flatMap((line, i) => findPansIn(JSON.parse(line)).map((pan) => ({ where: `log line ${i + 1}`, pan })));
}
