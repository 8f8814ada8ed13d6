import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool, startRedisServer } from '../../libs/platform/src';
import { createApiKey } from '@ledger/security';
import { benchDatabase } from './bench-db';
import { cpuOf, postmasterOf } from './cpu-usage';
import { installEmmettPeer, peerDatabase, printApiComparison, requestedPeer, startEmmettServer } from './peers/emmett-peer';
import { forkLoad, GENEROUS_RATE_LIMITS, loadResult, runBench, startApp, stopApp, waitUntilLive, type LoadResult } from './processes';

/**
 * `node -r ./test/support/swc-register.js test/bench/api.bench.ts` (or the built file):
 * the real HTTP server under autocannon (run in a child process so the load
 * generator does not share the server's event loop), at 1, 8, 32 and 64 connections, a payment
 * lifecycle mix; then raw single-row INSERTs into the same database at the same
 * concurrency, for scale. With `-- --peer emmett`, the same workload through the Emmett peer
 * (test/bench/peers/emmett-peer.ts), in the same run.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Connections per run, in turn (`BENCH_CONNECTIONS=32` for one). */
const CONNECTION_STEPS = (process.env.BENCH_CONNECTIONS ?? '1,8,32,64').split(',').map(Number);
const RAW_WRITERS = 32;
/** The peer runs once, at the connection count the API target names. */
const PEER_CONNECTIONS = 32;
const WORKERS = Number(process.env.API_WORKERS ?? 1);
const PORT = 3900 + Math.floor(Math.random() * 90);

async function load(url: string, key: string): Promise<void> {
  const connections = Number(process.argv[5]);
  const { default: autocannon } = await import('autocannon');
  const json = (ctx: Record<string, unknown>, body: unknown, extra: Record<string, string> = {}) => ({
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': randomUUID(), ...extra },
    body: JSON.stringify(body),
  });
  const result = await autocannon({
    url,
    connections,
    duration: SECONDS,
    requests: [
      {
        method: 'POST',
        path: '/v1/payments',
        setupRequest: (req: any, ctx: any) => {
          ctx.id = randomUUID();
          ctx.failed = Math.random() < 0.1;
          const body = {
            paymentId: ctx.id,
            provider: 'stripe',
            amount: 1000 + Math.floor(Math.random() * 9000),
            currency: 'USD',
            customerId: `c-${ctx.id}`,
          };
          return { ...req, ...json(ctx, body) };
        },
      },
      { method: 'POST', setupRequest: (req: any, ctx: any) => ({ ...req, path: `/v1/payments/${ctx.id}/processing`, ...json(ctx, {}) }) },
      {
        method: 'POST',
        setupRequest: (req: any, ctx: any) =>
          ctx.failed
            ? { ...req, path: `/v1/payments/${ctx.id}/failure`, ...json(ctx, { errorCode: 'card_declined' }) }
            : {
                ...req,
                path: `/v1/payments/${ctx.id}/success`,
                ...json(ctx, { providerPaymentId: `pi_${ctx.id}`, processingTimeMs: 120 }),
              },
      },
      {
        setupRequest: (req: any, ctx: any) =>
          !ctx.failed && Math.random() < 0.3
            ? { ...req, method: 'POST', path: `/v1/payments/${ctx.id}/refunds`, ...json(ctx, { amount: 500, reason: 'bench' }) }
            : { ...req, method: 'GET', path: `/v1/payments/${ctx.id}`, headers: { authorization: `Bearer ${key}` }, body: undefined },
      },
    ],
  } as any);
  process.send?.(loadResult(result));
}

const runLoad = (url: string, key: string, connections: number) => forkLoad<LoadResult>(__filename, url, key, String(connections));

async function rawInsertRate(url: string): Promise<number> {
  const pool = createPool(url, { max: RAW_WRITERS });
  await pool.query(
    `CREATE TABLE IF NOT EXISTS bench_raw_api (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, k uuid NOT NULL UNIQUE, data jsonb NOT NULL)`,
  );
  const deadline = Date.now() + SECONDS * 1000;
  let rows = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: RAW_WRITERS }, async () => {
      while (Date.now() < deadline) {
        await pool.query('INSERT INTO bench_raw_api (k, data) VALUES ($1, $2::jsonb)', [
          randomUUID(),
          JSON.stringify({ amount: 1999, currency: 'USD' }),
        ]);
        rows++;
      }
    }),
  );
  await pool.end();
  return rows / ((Date.now() - started) / 1000);
}

/** `--peer emmett`: the same workload against the Emmett peer, after the ledger-api has stopped. */
async function runEmmettPeer(ledgerDatabaseUrl: string): Promise<LoadResult> {
  installEmmettPeer();
  // Next to the API's port: PORT + 100 could land on 4045, a port fetch() refuses to call.
  const url = `http://127.0.0.1:${PORT + 1}`;
  const peer = startEmmettServer(await peerDatabase(ledgerDatabaseUrl, 'bench_emmett_peer'), PORT + 1);
  try {
    await waitUntilLive(url, 60_000);
    return await runLoad(url, 'unused-by-the-peer', PEER_CONNECTIONS);
  } finally {
    await stopApp(peer);
  }
}

async function main(): Promise<void> {
  const db = await benchDatabase();
  const redisDir = mkdtempSync(join(tmpdir(), 'ledger-bench-redis-'));
  const redis = await startRedisServer({ dataDir: redisDir });
  const url = `http://127.0.0.1:${PORT}`;
  const api = startApp('apps/ledger-api/src/main.ts', {
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    PORT: String(PORT),
    API_WORKERS: String(WORKERS),
    RATE_LIMITS: GENEROUS_RATE_LIMITS,
  });
  await waitUntilLive(url);
  const pool = createPool(db.url, { max: 1 });
  const { key } = await createApiKey(pool, { name: 'bench', scopes: ['payments:write', 'payments:read'] });
  await pool.end();

  const results: [number, LoadResult, { api: number; db: number }][] = [];
  const postmaster = postmasterOf(db.url);
  for (const connections of CONNECTION_STEPS) {
    const before = { api: cpuOf(api.pid), db: cpuOf(postmaster, true) };
    const r = await runLoad(url, key, connections);
    const served = Math.max(1, r.requests - r.non2xx);
    const ms = (now: number, then: number) => ((now - then) * 1000) / served;
    results.push([connections, r, { api: ms(cpuOf(api.pid), before.api), db: ms(cpuOf(postmaster, true), before.db) }]);
  }
  await stopApp(api);
  const peer = requestedPeer() ? await runEmmettPeer(db.url) : undefined;
  const inserts = await rawInsertRate(db.url);
  console.log(`bench:api — ${cpus().length} cores, ${SECONDS}s per row, API_WORKERS=${WORKERS}, request log level warn`);
  console.log(
    '| connections | HTTP requests/s (2xx; ~85 % commands, rest GET) | non-2xx or errors | p50 | p99 | CPU ms per request: API / PostgreSQL |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const [connections, r, cpu] of results) {
    const rate = (r.requests - r.non2xx) / r.seconds;
    console.log(
      `| ${connections} | ${rate.toFixed(0)} | ${r.non2xx} | ${r.p50} ms | ${r.p99} ms | ${cpu.api.toFixed(2)} / ${cpu.db.toFixed(2)} |`,
    );
  }
  console.log(`raw single-row INSERT/s, same DB, ${RAW_WRITERS} writers: ${inserts.toFixed(0)}`);
  if (peer) {
    const ours = results.find(([connections]) => connections === PEER_CONNECTIONS)?.[1];
    if (ours) printApiComparison(ours, peer);
    else console.log(`--peer emmett compares at ${PEER_CONNECTIONS} connections: add it to BENCH_CONNECTIONS`);
  }
  await redis.stop();
  rmSync(redisDir, { recursive: true, force: true });
  await db.stop();
}

runBench(main, load);
