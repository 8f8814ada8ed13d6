import { Client } from 'pg';
import pino from 'pino';
import { OutboxRelay, type AlertQueue } from '@ledger/monitoring';
import { createPool, freePort } from '@ledger/platform';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';

/**
 * Issue 16 (chaos): with PostgreSQL stopped, the alert-worker's relay let the
 * pool's connection error escape as an unhandled rejection and the worker
 * exited; alerts raised after PostgreSQL came back were never delivered.
 */
describe('The outbox relay when PostgreSQL goes away', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(4);
  });
  afterAll(() => db.drop());

  const queue = (add: () => Promise<void> = async () => undefined) => {
    const added: string[] = [];
    const q: AlertQueue = {
      addBulk: async (jobs) => {
        await add();
        added.push(...jobs.map((j) => String(j.opts?.jobId)));
        return [];
      },
    };
    return { q, added };
  };
  const warnings: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void warnings.push(line) });

  it('a pass against a server that is not there returns 0 instead of throwing', async () => {
    const url = new URL(db.url);
    url.port = String(await freePort());
    const dead = createPool(url.toString(), { max: 1, connectionTimeoutMillis: 2_000 });
    const { q, added } = queue();
    try {
      await expect(new OutboxRelay(dead, q, { logger }).relayOnce()).resolves.toBe(0);
      expect(added).toEqual([]);
      expect(warnings.join('')).toContain('alert relay: queue or database unavailable, alerts wait in the outbox');
    } finally {
      await dead.end();
    }
  });

  it('survives its session being ended mid-pass, and the next pass relays the row once', async () => {
    await db.pool.query(`INSERT INTO monitoring.alert_outbox (job_id, payload) VALUES ('alert-outage-1', '{}'::jsonb)`);
    const pool = createPool(db.url, { max: 2, application_name: 'relay-outage' });
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      // What a server stop does: the relay's session is terminated between the queue add and the mark.
      const kill = queue(async () => {
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'relay-outage'`);
      });
      await expect(new OutboxRelay(pool, kill.q, { logger }).relayOnce()).resolves.toBe(0);
      const { rows: before } = await db.pool.query(`SELECT relayed_at FROM monitoring.alert_outbox WHERE job_id = 'alert-outage-1'`);
      expect(before).toEqual([{ relayed_at: null }]);

      const healthy = queue();
      await expect(new OutboxRelay(pool, healthy.q, { logger }).relayOnce()).resolves.toBe(1);
      expect(healthy.added).toEqual(['alert-outage-1']);
      const { rows: after } = await db.pool.query(`SELECT relayed_at FROM monitoring.alert_outbox WHERE job_id = 'alert-outage-1'`);
      expect(after[0].relayed_at).toBeInstanceOf(Date);
    } finally {
      await admin.end();
      await pool.end();
    }
  });
});
