/**
 * `npm run bench:books [events …]` (default: 1000000 5000000). For each size: that many payment events (created,
 * processing, succeeded or failed, a refund of most successes, a dispute of some, won or lost) straight into a
 * fresh database of the PostgreSQL store, their provider times over 60 days and each recorded 2 s after it happened
 * (history as the ledger records it, not all in the minute a benchmark inserts it); then `books` rebuilt from 0
 * (events/s), then `GET /v1/books/balances`' query for 200 random moments each of `asOf` alone and `knownAt` alone
 * over the history and a day either side (p50, p99). Uses DATABASE_URL when set, else a throwaway embedded
 * PostgreSQL (fsync off). Projection lag at the API's ceiling is bench:projection-lag's (it measures every
 * projection, the books included).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type Pool } from 'pg';
import { queryBalances, queryTrialBalance } from '@ledger/books';
import { PostgresEventStore } from '@ledger/event-store';
import { createPool, runMigrations, startEmbeddedPostgres, withDatabase } from '@ledger/platform';
import { rebuildProjection } from '@ledger/projections';
import { percentile } from './bench-db';

const SIZES = process.argv.slice(2).length > 0 ? process.argv.slice(2).map(Number) : [1_000_000, 5_000_000];
const START = Date.parse('2025-11-01T00:00:00Z');
const DAYS = 60;
const QUERIES = 200;

async function generate(pool: Pool, total: number): Promise<void> {
  const payments = Math.ceil(total / 4.3);
  for (let from = 0; from < payments; from += 50_000) {
    await pool.query(
      `
      WITH p AS (
        SELECT g AS n, md5(g::text) AS id, CASE WHEN g % 2 = 0 THEN 'stripe' ELSE 'paystack' END AS provider,
               (ARRAY['USD','EUR','JPY','KWD','NGN'])[1 + g % 5] AS currency, 1 + (g::bigint * 7919) % 200000 AS amount,
               timestamptz '2025-11-01T00:00:00Z' + (g::bigint * ${DAYS * 86_400} / $3) * interval '1 second' AS t
          FROM generate_series($1::int, $2::int) g),
      e AS (
        SELECT n, id, 0 AS rev, 'PaymentCreated' AS type, jsonb_build_object('paymentId', id, 'provider', provider, 'amount', amount, 'currency', currency, 'createdAt', t) AS data, t FROM p
        UNION ALL SELECT n, id, 1, 'PaymentProcessing', jsonb_build_object('paymentId', id, 'startedAt', t + interval '1 s'), t + interval '1 s' FROM p
        UNION ALL SELECT n, id, 2, CASE WHEN n % 10 = 0 THEN 'PaymentFailed' ELSE 'PaymentSucceeded' END,
          CASE WHEN n % 10 = 0 THEN jsonb_build_object('paymentId', id, 'errorCode', 'card_declined', 'failedAt', t + interval '3 s')
               ELSE jsonb_build_object('paymentId', id, 'amount', amount, 'currency', currency, 'processingTimeMs', n % 4000, 'succeededAt', t + interval '3 s') END,
          t + interval '3 s' FROM p
        UNION ALL SELECT n, id, 3, 'PaymentRefunded', jsonb_build_object('paymentId', id, 'refundId', 're_1', 'amount', 1, 'currency', currency, 'totalRefunded', 1, 'refundedAt', t + interval '1 h'), t + interval '1 h' FROM p WHERE n % 10 <> 0
        UNION ALL SELECT n, id, 4, 'PaymentDisputed', jsonb_build_object('paymentId', id, 'disputeId', 'dp_1', 'reason', 'fraudulent', 'amount', amount - 1, 'currency', currency, 'disputedAt', t + interval '2 d'), t + interval '2 d' FROM p WHERE n % 10 = 3
        UNION ALL SELECT n, id, 5, 'PaymentDisputeClosed', jsonb_build_object('paymentId', id, 'disputeId', 'dp_1', 'outcome', CASE WHEN n % 20 = 3 THEN 'lost' ELSE 'won' END, 'amount', amount - 1, 'currency', currency, 'closedAt', t + interval '9 d'), t + interval '9 d' FROM p WHERE n % 10 = 3)
      INSERT INTO event_store.events (stream_id, revision, event_id, event_type, data, metadata, recorded_at)
      SELECT 'payment-' || id, rev, gen_random_uuid(), type, data,
             jsonb_build_object('correlationId', id, 'actor', 'key_bench', 'schemaVersion', 2, 'occurredAt', t), t + interval '2 s'
        FROM e ORDER BY n, rev`,
      [from + 1, Math.min(from + 50_000, payments), payments],
    );
  }
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

async function atSize(admin: Client, serverUrl: string, total: number): Promise<string[]> {
  const name = `bench_books_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = withDatabase(serverUrl, name);
  const pool = createPool(url, { max: 10 });
  try {
    await runMigrations(url);
    let t = Date.now();
    await generate(pool, total);
    await pool.query('VACUUM ANALYZE event_store.events');
    const events = Number((await pool.query('SELECT count(*) AS n FROM event_store.events')).rows[0].n);
    console.log(`generated ${events} events in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    t = Date.now();
    const result = await rebuildProjection('books', { pool, store: new PostgresEventStore(pool) });
    const seconds = (Date.now() - t) / 1000;
    if (result.eventsDone !== events) throw new Error(`rebuild applied ${result.eventsDone} of ${events} events`);
    const rebuildLoad = load();
    console.log(
      `rebuild books: ${events} events in ${seconds.toFixed(1)} s = ${Math.round(events / seconds)} events/s (load ${rebuildLoad})`,
    );
    await pool.query('ANALYZE books.journal_lines; ANALYZE books.clock_movements; ANALYZE books.movements');
    const now = new Date(START + (DAYS + 20) * 86_400_000);
    const trial = await queryTrialBalance(pool, { now });
    if (trial.currencies.some((c) => c.difference !== '0')) throw new Error('the books do not balance');
    const moment = (i: number) => new Date(START - 86_400_000 + ((i * 7_919_993_731) % ((DAYS + 12) * 86_400_000)));
    const rows: string[] = [];
    for (const clock of ['asOf', 'knownAt'] as const) {
      const ms: number[] = [];
      for (let i = 0; i < QUERIES; i++) ms.push(await timed(() => queryBalances(pool, { [clock]: moment(i), now })));
      ms.sort((a, b) => a - b);
      rows.push(
        `| ${events.toLocaleString('en')} | balances?${clock}= | ${percentile(ms, 50).toFixed(1)} ms | ${percentile(ms, 99).toFixed(1)} ms | ${load()} |`,
      );
    }
    rows.unshift(
      `| ${events.toLocaleString('en')} | rebuild books | ${seconds.toFixed(1)} s | ${Math.round(events / seconds).toLocaleString('en')} events/s | ${rebuildLoad} |`,
    );
    for (const r of rows) console.log(r);
    return rows;
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
  }
}

async function main(): Promise<void> {
  if (SIZES.some((n) => !Number.isSafeInteger(n) || n <= 0)) throw new Error(`sizes must be positive integers: ${SIZES.join(' ')}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-books-'));
  chmodSync(dataDir, 0o755);
  const server = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir, fast: true });
  const url = process.env.DATABASE_URL ?? server!.url;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  const table: string[] = [];
  try {
    for (const total of SIZES) table.push(...(await atSize(admin, url, total)));
  } finally {
    await admin.end();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log('\n| events | what | p50 / time | p99 / rate | load average (1/5/15) |\n|---:|---|---:|---:|---|');
  for (const r of table) console.log(r);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
