import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createConnection } from 'node:net';
import type { RunningService } from './embedded-postgres';
import { freePort, isAlive } from './ports';

export class RedisServerMissingError extends Error {
  constructor() {
    super('redis-server is not installed: run `apt-get install -y redis-server` (or set REDIS_URL to a running Redis)');
  }
}

export const REDIS_PASSWORD_FILE = 'password';

/**
 * A local `redis-server` under the data dir, for when REDIS_URL is unset. Reused if already running.
 * It requires a password generated once beside its data (`<data dir>/redis/password`, 0600, like
 * the development encryption key): a local user who could reach the port could otherwise queue
 * alert jobs the worker signs. The password goes in a 0600 config file, never on the command line
 * (which `ps` shows to everyone); the directory is 0700 and the server runs under umask 077, so its
 * append-only files are 0600.
 */
export async function startRedisServer(options: { dataDir: string; port?: number }): Promise<RunningService> {
  const dir = resolve(options.dataDir, 'redis');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  restrict(dir);
  const password = redisPassword(dir);
  const stateFile = join(dir, 'state.json');
  if (existsSync(stateFile)) {
    const { port, pid } = JSON.parse(readFileSync(stateFile, 'utf8')) as { port: number; pid: number };
    if (isAlive(pid) && (await answersPing(port, '127.0.0.1', password))) {
      return { url: redisUrl(port, password), owned: false, stop: async () => undefined };
    }
  }
  if (spawnSync('redis-server', ['--version']).error) throw new RedisServerMissingError();
  const port = options.port ?? (await freePort());
  const configFile = join(dir, 'redis.conf');
  writeFileSync(
    configFile,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir "${dir}"`,
      'appendonly yes',
      'save ""',
      'protected-mode yes',
      'loglevel warning',
      `requirepass ${password}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  chmodSync(configFile, 0o600);
  // umask 077: the append-only files and anything else the server creates are its owner's only.
  const child = spawn('sh', ['-c', 'umask 077 && exec redis-server "$0"', configFile], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.once('exit', () => child.kill('SIGTERM'));
  for (let i = 0; i < 100 && !(await answersPing(port, '127.0.0.1', password)); i++) await new Promise((r) => setTimeout(r, 50));
  if (!(await answersPing(port, '127.0.0.1', password))) throw new Error(`redis-server did not start on port ${port}`);
  writeFileSync(stateFile, JSON.stringify({ port, pid: child.pid }), { mode: 0o600 });
  return {
    url: redisUrl(port, password),
    owned: true,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The URL with its password, for clients; `redisUrl(port)` without one. Hex: nothing in it needs escaping. */
const redisUrl = (port: number, password: string): string => `redis://:${password}@127.0.0.1:${port}`;

/** Generated once, 0600, linked into place so two processes starting at once agree on one password. */
function redisPassword(dir: string): string {
  const path = join(dir, REDIS_PASSWORD_FILE);
  const read = () => (existsSync(path) ? readFileSync(path, 'utf8').trim() : '');
  if (read()) return read();
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  try {
    linkSync(tmp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(tmp);
  }
  return read();
}

/** Data dirs made before the password: the directory 0700, every file in it 0600 (an old append-only file was world-readable). */
function restrict(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) restrict(path);
    else if (entry.isFile()) chmodSync(path, 0o600);
  }
}

/** PING answered with PONG; with a password, after AUTH (a server that requires one answers PING with NOAUTH). */
export function answersPing(port: number, host = '127.0.0.1', password?: string): Promise<boolean> {
  return new Promise((resolvePing) => {
    const socket = createConnection({ port, host });
    let received = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePing(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('data', (d) => {
      received += d.toString();
      if (received.includes('+PONG')) done(true);
      else if (received.includes('-')) done(false);
    });
    socket.on('connect', () => socket.write(password === undefined ? 'PING\r\n' : `AUTH ${password}\r\nPING\r\n`));
  });
}
