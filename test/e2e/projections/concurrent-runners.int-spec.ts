import { PostgresEventStore } from '@ledger/event-store';
import { DashboardQueries, PROJECTIONS, ProjectionRunner, projectionRunners, verifyAuditChain } from '@ledger/projections';
import { createTestDatabase, waitFor, type TestDatabase } from '@ledger/testing';
import { expectedMetrics } from './support/expected';
import { readAllEvents, waitForProjections } from './support/harness';
import { appendWorkload } from './support/workload';

const RUNNING = ['ledger', 'audit_trail']; // the runners this test starts (books and reconciliation are not)

describe('Two projection runners against one database', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeEach(async () => {
    db = await createTestDatabase(40);
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 5 });
  });
  afterEach(() => db.drop());

  const runners = (exclusive: boolean) =>
    Object.values(PROJECTIONS).flatMap((projection) =>
      [1, 2].map(() => new ProjectionRunner({ pool: db.pool, store, projection, batchSize: 50, exclusive, standbyPollMs: 50 })),
    );

  it.each([
    ['with the advisory lock (one active, one hot standby)', true],
    ['without the lock, racing on the checkpoint compare-and-set', false],
  ])('give exact results %s', async (_label, exclusive) => {
    const all = runners(exclusive);
    const running = all.map((r) => r.run());
    await appendWorkload(store, { payments: 400, seed: 7, concurrency: 8 });
    await waitForProjections(db.pool, store);
    await Promise.all(all.map((r) => r.stop()));
    await Promise.all(running);
    const events = await readAllEvents(store);
    const queries = new DashboardQueries(db.pool, { suspiciousAmounts: { USD: 100_000 } });
    expect(await queries.metrics()).toEqual(expectedMetrics(events, {}, { USD: 100_000 }));
    expect(await verifyAuditChain(db.pool, store)).toEqual({ ok: true, rows: events.length, events: events.length });
  });

  it('hands over to the standby when the active runner stops', async () => {
    const projection = PROJECTIONS.ledger;
    const first = new ProjectionRunner({ pool: db.pool, store, projection, standbyPollMs: 50 });
    const second = new ProjectionRunner({ pool: db.pool, store, projection, standbyPollMs: 50 });
    const audit = new ProjectionRunner({ pool: db.pool, store, projection: PROJECTIONS.audit_trail });
    void first.run();
    await waitFor(async () => (await projectionRunners(db.pool, ['ledger'])).has('ledger'), 'the first runner to hold the lock');
    void second.run();
    void audit.run();
    await appendWorkload(store, { payments: 50, seed: 1 });
    await waitForProjections(db.pool, store, 60_000, RUNNING);
    await first.stop();
    await appendWorkload(store, { payments: 50, seed: 2 });
    await waitForProjections(db.pool, store, 60_000, RUNNING);
    await Promise.all([second.stop(), audit.stop()]);
    const events = await readAllEvents(store);
    const queries = new DashboardQueries(db.pool, { suspiciousAmounts: {} });
    expect((await queries.metrics()).counts.total).toBe(100);
    expect(await queries.metrics()).toEqual(expectedMetrics(events, {}, {}));
  });
});
