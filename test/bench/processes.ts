import { fork, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
export const GENEROUS_RATE_LIMITS = 'payment=1000000/1m,payment_key=1000000/1m,refund=1000000/1m,status=1000000/1m,api=1000000/1m';

/** An app (`apps/<name>/src/main.ts`) as its own process, from source, as the benchmarks run it. */
export function startApp(entry: string, env: Record<string, string>): ChildProcess {
  // BENCH_APP_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`: node options for the app alone (NODE_OPTIONS refuses --cpu-prof).
  const nodeArgs = process.env.BENCH_APP_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  return spawn(process.execPath, [...nodeArgs, '--require', join(ROOT, 'test', 'support', 'swc-register.js'), join(ROOT, entry)], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export function stopApp(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function waitUntilLive(baseUrl: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await fetch(`${baseUrl}/health/live`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`ledger-api did not start at ${baseUrl}`);
}

/** A bench file is both the benchmark and, forked with `--load <url> <key>`, its own load generator. */
export function runBench(main: () => Promise<void>, load: (url: string, key: string) => Promise<void>): void {
  const [mode, url, key] = process.argv.slice(2);
  const run = mode === '--load' ? load(url, key) : main();
  run.then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** Forks `file` as its own load generator (`--load …args`, see runBench) and resolves with the one result it sends. */
export function forkLoad<T>(file: string, ...args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(file, ['--load', ...args], { stdio: 'inherit' });
    child.once('message', (m) => resolve(m as T));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited ${code}`)));
  });
}

/** What a forked autocannon run sends back: answers, failures (non-2xx, errors, timeouts), latency, duration. */
export interface LoadResult {
  requests: number;
  non2xx: number;
  p50: number;
  p99: number;
  seconds: number;
}

export function loadResult(result: {
  requests: { total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  latency: { p50: number; p99: number };
  duration: number;
}): LoadResult {
  return {
    requests: result.requests.total,
    non2xx: result.non2xx + result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
    seconds: result.duration,
  };
}
