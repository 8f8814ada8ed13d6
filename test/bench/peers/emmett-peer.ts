import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { createPool } from '../../../libs/platform/src';
import type { LoadResult } from '../processes';

/**
 * `--peer emmett` for bench:api and bench:store: the same workload through a minimal Emmett application
 * (test/bench/peers/emmett), in the same run, on the same PostgreSQL server but in a database of its own.
 * Emmett and its dependencies live in that folder's own package.json and lockfile, installed there on
 * first use, so nothing of them reaches the ledger's dependencies; the ledger's tsc, jest and knip leave
 * that folder out because its imports resolve only once it is installed (`npm run typecheck --prefix …`).
 */
const PEER_DIR = join(__dirname, 'emmett');
const SWC_REGISTER = join(__dirname, '..', '..', 'support', 'swc-register.js');

/** The peer named by `--peer <name>`, if any; only `emmett` exists. */
export function requestedPeer(argv: readonly string[] = process.argv): 'emmett' | undefined {
  const at = argv.indexOf('--peer');
  if (at < 0) return undefined;
  if (argv[at + 1] !== 'emmett') throw new Error(`Unknown peer ${argv[at + 1] ?? '(none)'}: only --peer emmett exists`);
  return 'emmett';
}

/** `npm ci` in a bench package's own folder when its node_modules is missing or older than its lockfile. */
export function installPeerPackage(dir: string): void {
  const installed = join(dir, 'node_modules', '.package-lock.json');
  const lock = join(dir, 'package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return;
  console.error(`bench: installing ${relative(process.cwd(), dir)} (npm ci --prefix)`);
  execFileSync('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export const installEmmettPeer = (): void => installPeerPackage(PEER_DIR);

/** A fresh database `name` on the server of `url`, so Emmett's tables never meet the ledger's. */
export async function peerDatabase(url: string, name: string): Promise<string> {
  const pool = createPool(url, { max: 1 });
  try {
    await pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await pool.query(`CREATE DATABASE ${name}`);
  } finally {
    await pool.end();
  }
  const peer = new URL(url);
  peer.pathname = `/${name}`;
  return peer.toString();
}

/** The Emmett peer's HTTP server as its own process, like the ledger-api in bench:api. */
export function startEmmettServer(databaseUrl: string, port: number): ChildProcess {
  return spawn(process.execPath, ['--require', SWC_REGISTER, join(PEER_DIR, 'server.ts')], {
    cwd: PEER_DIR,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Emmett's PostgreSQL event store, as test/bench/peers/emmett/store-writer.ts exposes it. */
export interface EmmettAppender {
  append(
    streamName: string,
    events: { type: string; data: Record<string, unknown>; metadata: Record<string, unknown> }[],
    expected: bigint,
  ): Promise<void>;
  close(): Promise<void>;
}

/** Loaded by path at run time: a static import would make the ledger's tsc resolve Emmett's packages. */
export function emmettAppender(databaseUrl: string, poolMax: number): Promise<EmmettAppender> {
  const writer = createRequire(__filename)(join(PEER_DIR, 'store-writer.ts')) as {
    emmettAppender(url: string, max: number): Promise<EmmettAppender>;
  };
  return writer.emmettAppender(databaseUrl, poolMax);
}

/** Both rows, the ratio, and what each side does for every command (the ratio means little without it). */
export function printApiComparison(ours: LoadResult, peer: LoadResult): void {
  const rate = (r: LoadResult) => (r.requests - r.non2xx) / r.seconds;
  const row = (name: string, r: LoadResult) => `| ${name} | ${rate(r).toFixed(0)} | ${r.non2xx} | ${r.p50} ms / ${r.p99} ms |`;
  console.log('\nSame workload, same run, same PostgreSQL server (the peer in a database of its own):');
  console.log('| side | HTTP requests/s (2xx) | non-2xx or errors | latency p50 / p99 |');
  console.log('|---|---:|---:|---:|');
  console.log(row('ledger-api', ours));
  console.log(row('Emmett 0.42 peer', peer));
  console.log(`| ratio ledger-api / Emmett | ${(rate(ours) / rate(peer)).toFixed(2)}× (target ≥ 1.5×) | | |`);
  console.log('\n| per command | ledger-api | Emmett peer |');
  console.log('|---|---|---|');
  for (const [what, ledger, emmett] of PER_COMMAND) console.log(`| ${what} | ${ledger} | ${emmett} |`);
}

const PER_COMMAND: readonly (readonly [string, string, string])[] = [
  ['framework', 'NestJS 11 on Express 5, helmet, input hygiene, request context and metrics', 'Express 5, express.json()'],
  [
    'auth',
    'Bearer API key: failed-auth count in Redis, key record (cached ≤ 1 s, else PostgreSQL), SHA-256 check, scope',
    'none (header ignored)',
  ],
  ['rate limit', 'Redis token bucket per class (two on create: per key, per customer)', 'none'],
  ['card scan', 'body, query, path and copied headers scanned for card numbers (Luhn) before anything else', 'none'],
  ['validation', 'zod schema per route', "Emmett's assert helpers and the decider's checks"],
  [
    'idempotency',
    "request hashed under the customer's data key (one lookup, and the payment's first event for a command on a payment); Idempotency-Key claimed together with the stream read (one statement); its response stored in the same call as the append",
    'none (header ignored)',
  ],
  [
    'command',
    'fold, decide, seal personal fields (under the key the hash used: no second lookup), append_and_record: append_events at expected revision + the stored response, one commit',
    'DeciderCommandHandler: read, fold, decide, emt_append_to_stream (BEGIN … COMMIT)',
  ],
  ['response', 'payment view folded from the stream', 'decider state'],
];
