import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { PostgresEventStore } from '@ledger/event-store';
import { PROJECTIONS, ProjectionRunner, readCheckpoint } from '@ledger/projections';
import { createPool } from '@ledger/platform';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';

/**
 * Issue 16 (chaos): with PostgreSQL stopped for a few seconds, every projector
 * process exited 1 and nothing brought it back. A lost database is not a poison
 * event: the runner waits, then resumes from its checkpoint, each event once.
 */
describe('A projection runner whose database goes away', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(4);
  });
  afterAll(() => db.drop());

  const created = (id: string) => ({
    type: 'PaymentCreated',
    data: { paymentId: id, provider: 'stripe', amount: 100, currency: 'USD', createdAt: '2025-11-20T00:00:00.000Z' },
    metadata: { correlationId: 'c', actor: 'key_1', schemaVersion: 1, occurredAt: '2025-11-20T00:00:00.000Z' },
  });

  it('keeps running when its sessions are killed, and resumes from its checkpoint', async () => {
    const pool = createPool(db.url, { max: 6, application_name: 'outage-runner' });
    const store = new PostgresEventStore(pool, { pollIntervalMs: 5 });
    const writer = new PostgresEventStore(db.pool);
    const runner = new ProjectionRunner({ pool, store, projection: PROJECTIONS.ledger, batchSize: 10, standbyPollMs: 50 });
    let settled: string | undefined;
    const running = runner.run().then(
      () => (settled = 'resolved'),
      (e: Error) => (settled = `rejected: ${e.message}`),
    );
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      for (let i = 0; i < 20; i++) await writer.appendToStream(`payment-${randomUUID()}`, [created(randomUUID())], 'no_stream');
      await waitForProjectionOf(db, 'ledger', 20);
      // What a server stop does to every session: terminated (57P01), the lock holder's too.
      for (let round = 0; round < 3; round++) {
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'outage-runner'`);
        for (let i = 0; i < 10; i++) await writer.appendToStream(`payment-${randomUUID()}`, [created(randomUUID())], 'no_stream');
        // Back on its feet before the next round kills it again: this round's events applied.
        await waitForProjectionOf(db, 'ledger', 20 + 10 * (round + 1));
      }
      await waitForProjectionOf(db, 'ledger', 50);
      expect(settled).toBeUndefined();
      // Each event applied exactly once: the runner resumed from the checkpoint, not from the start.
      expect((await readCheckpoint(db.pool, 'ledger')).eventsApplied).toBe(50);
      const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM read_models.payments');
      expect(rows[0].n).toBe(50);
    } finally {
      await admin.end();
      await runner.stop();
      await running;
      await pool.end();
    }
    expect(settled).toBe('resolved');
  });
});

async function waitForProjectionOf(db: TestDatabase, name: string, events: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await readCheckpoint(db.pool, name)).eventsApplied < events) {
    if (Date.now() > deadline) throw new Error(`${name} did not reach ${events} events`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
