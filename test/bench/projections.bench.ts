/**
 * node --require ./test/support/swc-register.js test/bench/projections.bench.ts [events]
 * 1,000,000 payment events straight into the PostgreSQL store, then every
 * projection rebuilt (events/s), then every dashboard query timed (p50/p99).
 * Uses DATABASE_URL when set, else a throwaway embedded PostgreSQL.
 */
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PostgresEventStore } from '@ledger/event-store';
import { createPool, runMigrations, startEmbeddedPostgres, withDatabase } from '@ledger/platform';
import { DashboardQueries, PROJECTIONS, rebuildProjection } from '@ledger/projections';
import { generate } from './payment-events';

const TOTAL = Number(process.argv[2] ?? 1_000_000);

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-'));
  chmodSync(dataDir, 0o755);
  const server = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir, fast: true });
  const admin = new Client({ connectionString: process.env.DATABASE_URL ?? server!.url });
  await admin.connect();
  const name = `bench_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = withDatabase(process.env.DATABASE_URL ?? server!.url, name);
  await runMigrations(url);
  const pool = createPool(url, { max: 10 });
  const store = new PostgresEventStore(pool);
  try {
    let t = Date.now();
    await generate(pool, TOTAL);
    console.log(`generated ${TOTAL} events in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    for (const projection of Object.keys(PROJECTIONS)) {
      t = Date.now();
      const result = await rebuildProjection(projection, { pool, store, chunkSize: 5000 });
      const seconds = (Date.now() - t) / 1000;
      console.log(
        `rebuild ${projection}: ${result.eventsDone} events in ${seconds.toFixed(1)} s = ${Math.round(result.eventsDone / seconds)} events/s`,
      );
    }
    const q = new DashboardQueries(pool, {
      store,
      suspiciousAmounts: { USD: 100_000, JPY: 50_000 },
      clock: () => new Date('2025-11-21T12:00:00Z'),
    });
    const calls: Record<string, () => Promise<unknown>> = {
      metrics: () => q.metrics(),
      'metrics(stripe,USD)': () => q.metrics({ provider: 'stripe', currency: 'USD' }),
      breakdown: () => q.breakdown(),
      'volume(hour,30d)': () =>
        q.volumeOverTime({ granularity: 'hour', from: new Date('2025-11-01T00:00:00Z'), to: new Date('2025-12-01T00:00:00Z') }),
      'volume(day)': () => q.volumeOverTime({ granularity: 'day' }),
      recentEvents: () => q.recentEvents(50),
      'recentEvents(paystack)': () => q.recentEvents(50, { provider: 'paystack' }),
      failedPayments: () => q.failedPayments(20),
      errors: () => q.errors(),
      health: () => q.health(),
      lag: () => q.lag(),
      'payments (whole dashboard)': () => q.payments(),
    };
    for (const [label, call] of Object.entries(calls)) {
      const times: number[] = [];
      for (let i = 0; i < 200; i++) {
        const s = process.hrtime.bigint();
        await call();
        times.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
      times.sort((a, b) => a - b);
      console.log(`${label.padEnd(28)} p50 ${times[99].toFixed(2)} ms   p99 ${times[197].toFixed(2)} ms`);
    }
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
    await server?.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
