import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { PostgresEventStore } from '@ledger/event-store';
import { createTestDatabase, waitFor, type TestDatabase } from '@ledger/testing';
import { freePort } from '../embedded/ports';
import { createPool } from './database';
import { waitForEventStore } from './wait-for-event-store';

/**
 * Issue 16 (chaos, seed 1): a projector restarted while PostgreSQL was stopped exited at start
 * (connect ECONNREFUSED) three times in a row, back only because the chaos run restarts what exits.
 * Here the database's port answers only after a while: a real TCP relay to the test server, opened late.
 */
describe('waitForEventStore', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(2);
  });
  afterAll(() => db.drop());

  /** Relays 127.0.0.1:<port> to the test database once started; until then the port refuses connections. */
  function lateRelay(port: number): { open(): Promise<void>; close(): Promise<void> } {
    const target = new URL(db.url);
    const sockets = new Set<Socket>();
    let server: Server | undefined;
    return {
      open: () =>
        new Promise((resolve) => {
          server = createServer((inbound) => {
            const outbound = createConnection(Number(target.port), target.hostname);
            for (const s of [inbound, outbound]) {
              sockets.add(s);
              s.on('error', () => s.destroy());
              s.on('close', () => sockets.delete(s));
            }
            inbound.pipe(outbound).pipe(inbound);
          }).listen(port, '127.0.0.1', () => resolve());
        }),
      close: () =>
        new Promise((resolve) => {
          for (const s of sockets) s.destroy();
          if (server) server.close(() => resolve());
          else resolve();
        }),
    };
  }

  it('waits while PostgreSQL refuses connections and returns once it answers', async () => {
    const port = await freePort();
    const url = new URL(db.url);
    url.port = String(port);
    const pool = createPool(url.toString(), { max: 2, connectionTimeoutMillis: 2_000 });
    const relay = lateRelay(port);
    const waits: string[] = [];
    try {
      let settled = false;
      const waiting = waitForEventStore(new PostgresEventStore(pool), { retryMs: 20, log: (message) => waits.push(message) }).finally(
        () => (settled = true),
      );
      // It says so again every tenth attempt: a second line is ten refused attempts, and it is still waiting.
      await waitFor(() => waits.length >= 2, 'ten more attempts');
      expect(settled).toBe(false);
      expect(waits[0]).toBe('database unavailable at start; waiting for it');
      await relay.open();
      await expect(waiting).resolves.toBe(true);
    } finally {
      await pool.end();
      await relay.close();
    }
  });

  it('ends the wait at once, answering false, when the service is told to stop (SIGTERM during the start)', async () => {
    const port = await freePort(); // nothing listens: every attempt is refused
    const url = new URL(db.url);
    url.port = String(port);
    const pool = createPool(url.toString(), { max: 1, connectionTimeoutMillis: 2_000 });
    const stop = new AbortController();
    const waits: string[] = [];
    try {
      // An hour between attempts: only the abort can end this wait within the test's time.
      const waiting = waitForEventStore(new PostgresEventStore(pool), {
        retryMs: 3_600_000,
        signal: stop.signal,
        log: (m) => waits.push(m),
      });
      await waitFor(() => waits.length >= 1, 'the first refused attempt');
      stop.abort();
      await expect(waiting).resolves.toBe(false);
      // Already stopped: it does not try at all.
      await expect(waitForEventStore(new PostgresEventStore(pool), { signal: stop.signal })).resolves.toBe(false);
    } finally {
      await pool.end();
    }
  });

  it('still fails at once on what waiting cannot mend (a refused login)', async () => {
    const url = new URL(db.url);
    url.password = 'not-the-password';
    const pool = createPool(url.toString(), { max: 1 });
    try {
      await expect(waitForEventStore(new PostgresEventStore(pool), { retryMs: 100 })).rejects.toMatchObject({ code: '28P01' });
    } finally {
      await pool.end();
    }
  });
});
