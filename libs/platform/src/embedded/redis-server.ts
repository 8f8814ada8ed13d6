import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createConnection } from 'node:net';
import type { RunningService } from './embedded-postgres';
import { freePort, isAlive } from './ports';

export class RedisServerMissingError extends Error {
  constructor() {
    super('redis-server is not installed: run `apt-get install -y redis-server` (or set REDIS_URL to a running Redis)');
  }
}

/** A local `redis-server` under the data dir, for when REDIS_URL is unset. Reused if already running. */
export async function startRedisServer(options: { dataDir: string; port?: number }): Promise<RunningService> {
  const dir = resolve(options.dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const stateFile = join(dir, 'state.json');
  if (existsSync(stateFile)) {
    const { port, pid } = JSON.parse(readFileSync(stateFile, 'utf8')) as { port: number; pid: number };
    if (isAlive(pid) && (await answersPing(port))) return { url: `redis://127.0.0.1:${port}`, owned: false, stop: async () => undefined };
  }
  if (spawnSync('redis-server', ['--version']).error) throw new RedisServerMissingError();
  const port = options.port ?? (await freePort());
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--protected-mode',
      'yes',
      '--loglevel',
      'warning',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.once('exit', () => child.kill('SIGTERM'));
  for (let i = 0; i < 100 && !(await answersPing(port)); i++) await new Promise((r) => setTimeout(r, 50));
  if (!(await answersPing(port))) throw new Error(`redis-server did not start on port ${port}`);
  writeFileSync(stateFile, JSON.stringify({ port, pid: child.pid }));
  return {
    url: `redis://127.0.0.1:${port}`,
    owned: true,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export function answersPing(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolvePing) => {
    const socket = createConnection({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePing(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('data', (d) => done(d.toString().startsWith('+PONG')));
    socket.on('connect', () => socket.write('PING\r\n'));
  });
}
