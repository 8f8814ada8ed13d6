import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '@ledger/platform';
import { createTestDatabase, testServices, uniquePrefix, type TestDatabase } from '@ledger/testing';
import { startApp, stop, until } from '../metrics/support/processes';

/**
 * CI of the second wave's last stop: a projector sent SIGTERM just after its "metrics port taken" line died of
 * the signal (exit code null), because its handlers were installed only once the fraud manager had started.
 * Every service now catches SIGTERM from its first line: a signal during the start stops it in order, exit 0.
 *
 * The window held open here is the longest one: the database answered the start's checks, then went away, and the
 * service waits for it to come back. A relay passes the start's two connections (DATABASE_URL's check, and the
 * look-up that finds every migration applied) to the test database and resets every later one; the service is
 * signalled once it has tried again twice, so it is waiting whatever its speed.
 */
describe('A service told to stop while it is still starting', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(2);
  });
  afterAll(() => db.drop());

  /** 127.0.0.1:<port>: the first two connections relayed to the test database, every later one reset at once. */
  async function checkThenGone(): Promise<{ url: string; attempts: () => number; close(): Promise<void> }> {
    const target = new URL(db.url);
    const port = await freePort();
    const sockets = new Set<Socket>();
    let attempts = 0;
    const server: Server = createServer((inbound) => {
      attempts++;
      sockets.add(inbound);
      inbound.on('error', () => undefined);
      inbound.on('close', () => sockets.delete(inbound));
      if (attempts > 2) return void inbound.resetAndDestroy();
      const outbound = createConnection(Number(target.port), target.hostname);
      sockets.add(outbound);
      outbound.on('error', () => inbound.destroy());
      outbound.on('close', () => sockets.delete(outbound));
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const url = new URL(db.url);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    return {
      url: url.toString(),
      attempts: () => attempts,
      close: () =>
        new Promise((resolve) => {
          for (const s of sockets) s.destroy();
          server.close(() => resolve());
        }),
    };
  }

  it.each(['projector', 'alert-worker', 'ledger-api'])(
    '%s: SIGTERM while it waits for its database ends it in order (exit 0, within seconds)',
    async (name) => {
      const relay = await checkThenGone();
      const app = startApp(name, {
        DATABASE_URL: relay.url,
        REDIS_URL: testServices().redisUrl,
        ENCRYPTION_KEY: 'stop-while-starting-key-0123456789abcdef',
        ALERT_QUEUE_PREFIX: uniquePrefix('stopstart'),
        PORT: String(await freePort()),
        PROJECTOR_METRICS_PORT: '0',
        WORKER_METRICS_PORT: '0',
      });
      try {
        // The start's two connections, then two more tries: it passed the checks and is waiting for the database.
        await until(async () => relay.attempts() >= 4, 'the service to wait for its database', 60_000);
        expect({ exit: app.child.exitCode, stderr: app.stderr.join('').slice(-1500) }).toEqual({ exit: null, stderr: expect.any(String) });
        const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
          app.child.once('exit', (code, signal) => resolve({ code, signal })),
        );
        app.child.kill('SIGTERM');
        // stop()'s SIGKILL comes after 10 s: an exit 0 is the service's own orderly stop, not the test's.
        let timer: NodeJS.Timeout | undefined;
        const outcome = await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(() => resolve('still running'), 9_000)))]);
        clearTimeout(timer);
        expect(outcome).toEqual({ code: 0, signal: null });
      } finally {
        await stop(app.child);
        await relay.close();
      }
    },
    90_000,
  );
});
