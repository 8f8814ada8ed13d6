import { PostgresEventStore } from '@ledger/event-store';
import { OutboxRelay, alertKey, newAlert, writeToOutbox, type AlertQueue } from '@ledger/monitoring';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { appendPayment, waitFor } from './support/payments';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

it('holds no transaction id (so no read horizon) while it waits on a hanging Redis', async () => {
  let release!: () => void;
  let calls = 0;
  const hanging: AlertQueue = {
    addBulk: async (jobs) => {
      calls += 1;
      await new Promise<void>((r) => (release = r));
      return jobs as never;
    },
  };
  const relay = new OutboxRelay(db.pool, hanging, { addTimeoutMs: 60_000 });
  const now = new Date().toISOString();
  await writeToOutbox(db.pool, [
    newAlert({
      key: alertKey('suspicious_amount', 'hang'),
      rule: 'suspicious_amount',
      kind: 'raised',
      severity: 'warning',
      provider: 'stripe',
      title: 'hang',
      value: 2,
      threshold: 1,
      windowStart: now,
      windowEnd: now,
      raisedAt: now,
    }),
  ]);
  const pass = relay.relayOnce();
  await waitFor(async () => calls > 0, 'the relay to reach Redis');

  const { rows } = await db.pool.query(
    `SELECT pid, state FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL`,
  );
  expect(rows).toEqual([]);
  const store = new PostgresEventStore(db.pool);
  const id = await appendPayment(store, { outcome: 'pending' });
  expect((await store.readAll({ maxCount: 10_000 })).some((e) => e.streamId === `payment-${id}`)).toBe(true);

  release();
  expect(await pass).toBe(1);
  const { rows: outbox } = await db.pool.query(`SELECT relayed_at FROM monitoring.alert_outbox`);
  expect(outbox.every((r) => r.relayed_at !== null)).toBe(true);
});
