import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore } from '@ledger/event-store';
import { createPool, startRedisServer } from '@ledger/platform';
import { projectionStatus } from '@ledger/projections';
import { createApiKey } from '@ledger/security';
import { benchDatabase, percentile } from './bench-db';
import { forkLoad, GENEROUS_RATE_LIMITS, runBench, startApp, stopApp, waitUntilLive } from './processes';

/**
 * `node -r ./test/support/swc-register.js test/bench/projection-lag.bench.ts`: the API and the
 * projector as their own processes, a paced open-loop load of payment lifecycle commands at
 * BENCH_RATE/s for BENCH_SECONDS (from a forked child, off the sampler's event loop), and the
 * projection lag sampled every 100 ms while it runs. `BENCH_RATE=ceiling`: closed loop instead, always
 * CEILING_IN_FLIGHT commands outstanding (bench:api's 32 connections), so the API runs at its own full rate.
 */
const CEILING = process.env.BENCH_RATE === 'ceiling';
const CEILING_IN_FLIGHT = 32;
const RATE = CEILING ? Infinity : Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const MAX_IN_FLIGHT = 64;
const SAMPLE_MS = 100;
const PORT = 3900 + Math.floor(Math.random() * 90);

// node:http, not fetch: fetch took about twice the CPU per request, and this child shares the 2 cores with the API.
const agent = new Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
function post(url: string, key: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'idempotency-key': randomUUID(),
        },
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.once('error', () => resolve(0));
    req.end(body);
  });
}

interface LoadResult {
  ok: number;
  failed: number;
  skipped: number;
  seconds: number;
  p50: number;
  p99: number;
}
interface Lifecycle {
  id: string;
  step: number;
  fails: boolean;
  refunds: boolean;
}

/** Open loop: a command is due every 1/RATE s; when MAX_IN_FLIGHT are outstanding it is skipped, not queued, so a slow API shows as a lower achieved rate. */
async function load(url: string, key: string): Promise<void> {
  const ready: Lifecycle[] = [];
  const latencies: number[] = [];
  let inFlight = 0,
    ok = 0,
    failed = 0,
    skipped = 0,
    due = 0;
  const send = async (p: Lifecycle): Promise<void> => {
    const [path, body] =
      p.step === 0
        ? [
            '',
            {
              paymentId: p.id,
              provider: 'stripe',
              amount: 1000 + Math.floor(Math.random() * 9000),
              currency: 'USD',
              customerId: `c-${p.id}`,
            },
          ]
        : p.step === 1
          ? ['/processing', {}]
          : p.step === 2
            ? p.fails
              ? ['/failure', { errorCode: 'card_declined' }]
              : ['/success', { providerPaymentId: `pi_${p.id}`, processingTimeMs: 120 }]
            : ['/refunds', { amount: 500, reason: 'bench' }];
    const started = performance.now();
    const status = await post(`${url}/v1/payments${p.step === 0 ? '' : `/${p.id}`}${path}`, key, JSON.stringify(body));
    latencies.push(performance.now() - started);
    if (status < 200 || status > 299) {
      failed++;
      return;
    }
    ok++;
    p.step++;
    if (p.step < 3 || (p.step === 3 && p.refunds)) ready.push(p);
  };
  const started = performance.now();
  const end = started + SECONDS * 1000;
  const pending = new Set<Promise<void>>();
  while (performance.now() < end) {
    const target = CEILING ? due + CEILING_IN_FLIGHT - inFlight : Math.floor(((performance.now() - started) / 1000) * RATE);
    for (; due < target; due++) {
      if (inFlight >= MAX_IN_FLIGHT) {
        skipped++;
        continue;
      }
      // Lifecycles already under way go first, so the mix stays create/processing/outcome/refund.
      const fails = Math.random() < 0.1;
      const p = ready.shift() ?? { id: randomUUID(), step: 0, fails, refunds: !fails && Math.random() < 0.3 };
      inFlight++;
      const done: Promise<void> = send(p).finally(() => {
        inFlight--;
        pending.delete(done);
      });
      pending.add(done);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  const result: LoadResult = { ok, failed, skipped, seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  process.send?.(result);
}

const runLoad = (url: string, key: string) => forkLoad<LoadResult>(__filename, url, key);

interface Samples {
  seconds: number[];
  positions: number[];
  capped: boolean;
}

async function main(): Promise<void> {
  const db = await benchDatabase();
  const redisDir = mkdtempSync(join(tmpdir(), 'ledger-bench-redis-'));
  const redis = await startRedisServer({ dataDir: redisDir });
  const pool = createPool(db.url, { max: 4 });
  const children: ChildProcess[] = [];
  try {
    const url = `http://127.0.0.1:${PORT}`;
    children.push(
      startApp('apps/ledger-api/src/main.ts', {
        DATABASE_URL: db.url,
        REDIS_URL: redis.url,
        PORT: String(PORT),
        RATE_LIMITS: GENEROUS_RATE_LIMITS,
      }),
    );
    children.push(startApp('apps/projector/src/main.ts', { DATABASE_URL: db.url, REDIS_URL: redis.url }));
    await waitUntilLive(url);
    const { key } = await createApiKey(pool, { name: 'bench', scopes: ['payments:write', 'payments:read'] });

    const store = new PostgresEventStore(pool);
    const samples = new Map<string, Samples>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const next = Date.now() + SAMPLE_MS;
        for (const s of await projectionStatus(pool, store)) {
          const entry = samples.get(s.name) ?? { seconds: [], positions: [], capped: false };
          entry.seconds.push(s.lag.secondsBehind);
          entry.positions.push(s.lag.positionsBehind);
          entry.capped ||= s.lag.capped;
          samples.set(s.name, entry);
        }
        await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
      }
    })();
    const result = await runLoad(url, key);
    sampling = false;
    await sampler;

    // How long the projections need to reach the head once the load stops.
    const drainStart = Date.now();
    let drained = false;
    while (!drained && Date.now() - drainStart < 60_000) {
      drained = (await projectionStatus(pool, store)).every((s) => s.lag.positionsBehind === 0);
      if (!drained) await new Promise((r) => setTimeout(r, SAMPLE_MS));
    }
    const drainSeconds = drained ? ((Date.now() - drainStart) / 1000).toFixed(1) : '> 60';

    console.log(
      `bench:projection-lag — ${cpus().length} cores, ${CEILING ? `the API's ceiling (${CEILING_IN_FLIGHT} always in flight)` : `target ${RATE} commands/s`} for ${SECONDS}s, ≤ ${MAX_IN_FLIGHT} in flight, lag sampled every ${SAMPLE_MS} ms`,
    );
    console.log('| measure | value |');
    console.log('|---|---:|');
    console.log(`| commands/s achieved (2xx) / target | ${(result.ok / result.seconds).toFixed(0)} / ${CEILING ? 'ceiling' : RATE} |`);
    console.log(`| non-2xx or errors / skipped (${MAX_IN_FLIGHT} in flight) | ${result.failed} / ${result.skipped} |`);
    console.log(`| command latency p50 / p99 | ${result.p50.toFixed(1)} ms / ${result.p99.toFixed(1)} ms |`);
    for (const [name, s] of samples) {
      const secs = [...s.seconds].sort((a, b) => a - b);
      const maxPositions = Math.max(...s.positions);
      console.log(
        `| ${name} lag p50 / p99 / max (${secs.length} samples) | ${percentile(secs, 50).toFixed(2)} s / ${percentile(secs, 99).toFixed(2)} s / ${secs[secs.length - 1].toFixed(2)} s |`,
      );
      console.log(`| ${name} max positions behind | ${s.capped ? `≥ ${maxPositions} (capped)` : maxPositions} |`);
    }
    console.log(`| drain to head after load | ${drainSeconds} s |`);
  } finally {
    await Promise.all(children.map(stopApp));
    await pool.end();
    await redis.stop();
    rmSync(redisDir, { recursive: true, force: true });
    await db.stop();
  }
}

runBench(main, load);
