import { randomBytes } from 'node:crypto';
import { Client, type Pool } from 'pg';
import { createPool, withDatabase } from '@ledger/platform';
import { TEMPLATE_DATABASE } from './test-env';

export function testServices(): { pgUrl: string; redisUrl: string } {
  const pgUrl = process.env.TEST_PG_URL;
  const redisUrl = process.env.TEST_REDIS_URL;
  if (!pgUrl || !redisUrl) throw new Error('test services are not running: run the tests through jest (globalSetup starts them)');
  return { pgUrl, redisUrl };
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  readonly pool: Pool;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one spec file: a copy of the template (CREATE DATABASE … TEMPLATE …). */
export async function createTestDatabase(poolSize = 20): Promise<TestDatabase> {
  const { pgUrl } = testServices();
  const name = `t_${randomBytes(6).toString('hex')}`;
  // Two copies of one template at the same instant can collide ("being accessed by other users"): retry.
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(pgUrl, `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`);
      break;
    } catch (error) {
      if (attempt >= 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const url = withDatabase(pgUrl, name);
  const pool = createPool(url, { max: poolSize });
  return {
    url,
    name,
    pool,
    drop: async () => {
      await pool.end();
      await adminQuery(pgUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A Redis key prefix of its own for each spec file, so parallel files never share queues or buckets. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${randomBytes(4).toString('hex')}`;
}
