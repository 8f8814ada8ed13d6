import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { cpuOf } from './cpu-usage';
import { installPeerPackage } from './peers/emmett-peer';
import { forkLoad, loadResult, runBench, stopApp, type LoadResult } from './processes';

/**
 * `npm run bench:http`: the HTTP layer alone, Express against Fastify (issue 14, item 2). Both sides run
 * test/bench/peers/http/server.ts, the ledger's command-path pipeline without its database and Redis, in
 * alternating rounds (BENCH_ROUNDS, default 3) of BENCH_SECONDS (default 10, after 3 s of warm-up) at 32 connections, each server
 * checked first to answer the same way (201 on `/V1/Payments/`, 422 on a card number, 403 without the key).
 * Prints requests/s, p50/p99, and the server's CPU per request from /proc, the figure that says how much
 * of a full command's CPU (bench:api) the framework could give back.
 */
const PEER_DIR = join(__dirname, 'peers', 'http');
const SWC_REGISTER = join(__dirname, '..', 'support', 'swc-register.js');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Load before each measured row, not counted: both frameworks measured after the JIT has settled. */
const WARMUP_SECONDS = 3;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 32;
const FRAMEWORKS = ['express', 'fastify'] as const;
const HEADERS = { authorization: 'Bearer bench-http-token', 'content-type': 'application/json' };

const payment = () => ({ paymentId: randomUUID(), provider: 'stripe', amount: 1999, currency: 'USD', customerId: 'c-bench' });

async function load(url: string, seconds: string): Promise<void> {
  const { default: autocannon } = await import('autocannon');
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: Number(seconds),
    requests: [
      {
        method: 'POST',
        path: '/V1/Payments/',
        headers: HEADERS,
        setupRequest: (req: any) => ({ ...req, body: JSON.stringify(payment()) }),
      },
    ],
  } as any);
  process.send?.(loadResult(result));
}

async function post(url: string, body: unknown, headers: Record<string, string> = HEADERS): Promise<number> {
  return (await fetch(`${url}/V1/Payments/`, { method: 'POST', headers, body: JSON.stringify(body) })).status;
}

/** Waits for the server, then refuses to measure a side that does not answer as the other does. */
async function checkSameAnswers(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await post(url, payment()).catch(() => 0)) !== 201) {
    if (Date.now() > deadline || server.exitCode !== null) throw new Error(`${url} did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const answers = [await post(url, { ...payment(), description: 'card 4242 4242 4242 4242' }), await post(url, payment(), {})];
  if (answers.join() !== '422,403') throw new Error(`${url} answered ${answers.join()} where the pipeline answers 422,403`);
}

async function measure(framework: string, port: number): Promise<{ result: LoadResult; cpuMs: number }> {
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, ['--require', SWC_REGISTER, join(PEER_DIR, 'server.ts'), framework, String(port)], {
    cwd: PEER_DIR,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await checkSameAnswers(url, server);
    await forkLoad<LoadResult>(__filename, url, String(WARMUP_SECONDS));
    const before = cpuOf(server.pid);
    const result = await forkLoad<LoadResult>(__filename, url, String(SECONDS));
    const cpuMs = ((cpuOf(server.pid) - before) * 1000) / Math.max(1, result.requests - result.non2xx);
    return { result, cpuMs };
  } finally {
    await stopApp(server);
  }
}

async function main(): Promise<void> {
  installPeerPackage(PEER_DIR);
  const load1 = loadavg()[0];
  const rows: { framework: string; round: number; result: LoadResult; cpuMs: number }[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const framework of round % 2 === 1 ? FRAMEWORKS : [...FRAMEWORKS].reverse()) {
      rows.push({ framework, round, ...(await measure(framework, 4600 + Math.floor(Math.random() * 300))) });
    }
  }
  console.log(
    `bench:http — ${cpus().length} cores, ${CONNECTIONS} connections, ${SECONDS}s per row, load ${load1.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
  );
  console.log('| framework | round | requests/s (2xx) | non-2xx or errors | p50 | p99 | server CPU ms per request |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const { framework, round, result, cpuMs } of rows) {
    const rate = (result.requests - result.non2xx) / result.seconds;
    console.log(
      `| ${framework} | ${round} | ${rate.toFixed(0)} | ${result.non2xx} | ${result.p50} ms | ${result.p99} ms | ${cpuMs.toFixed(3)} |`,
    );
  }
  const mean = (framework: string, pick: (r: (typeof rows)[number]) => number) => {
    const mine = rows.filter((r) => r.framework === framework);
    return mine.reduce((sum, r) => sum + pick(r), 0) / mine.length;
  };
  const rate = (r: (typeof rows)[number]) => (r.result.requests - r.result.non2xx) / r.result.seconds;
  const [express, fastify] = FRAMEWORKS.map((f) => ({ rate: mean(f, rate), cpu: mean(f, (r) => r.cpuMs) }));
  console.log(
    `mean: express ${express.rate.toFixed(0)}/s at ${express.cpu.toFixed(3)} ms CPU, fastify ${fastify.rate.toFixed(0)}/s at ` +
      `${fastify.cpu.toFixed(3)} ms CPU: fastify ×${(fastify.rate / express.rate).toFixed(2)} requests/s, ` +
      `${(express.cpu - fastify.cpu).toFixed(3)} ms of CPU less per request`,
  );
}

runBench(main, load);
