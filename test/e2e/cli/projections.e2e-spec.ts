import { PostgresEventStore, formatPosition } from '@ledger/event-store';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { PROJECTIONS, ProjectionRunner } from '@ledger/projections';
import { readAllEvents } from '../projections/support/harness';
import { appendWorkload } from '../projections/support/workload';
import { ledger, project } from './support/cli';

describe('ledger projections', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 10 });
    await appendWorkload(store, { payments: 200, seed: 11, concurrency: 6 });
    await project(db.pool, store);
    env = { DATABASE_URL: db.url };
  }, 120_000);

  afterAll(() => db.drop());

  it('status prints each checkpoint, events applied and lag', async () => {
    const events = await readAllEvents(store);
    const head = formatPosition(events[events.length - 1].position);
    await store.appendToStream(
      events[0].streamId,
      [
        {
          type: 'PaymentFraudFlagged',
          data: { paymentId: events[0].streamId.slice('payment-'.length), reason: 'velocity', flaggedAt: new Date().toISOString() },
        },
      ],
      'any',
    );
    const run = await ledger(['projections', 'status'], env);
    expect(run.code).toBe(0);
    const rows = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows[0]).toEqual([
      'projection',
      'position',
      'events applied',
      'behind',
      'seconds behind',
      'updated at',
      'horizon age',
      'horizon held by',
      'projector',
    ]);
    // project() stopped its runners: nothing runs any projection (ledger, audit_trail and those added since), and the status says so.
    const names = rows.slice(1).map((r) => r[0]);
    expect(names.slice(0, 2)).toEqual(['ledger', 'audit_trail']);
    expect(rows.slice(1).map((r) => r[8])).toEqual(names.map(() => 'not running'));
    expect(run.stderr).toBe(
      `ledger: no projector is running ${names.join(', ')}: nothing applies new events there, and "behind" only counts what is committed past the checkpoint\n`,
    );
    expect(
      rows
        .slice(1)
        .filter((r) => ['ledger', 'audit_trail', 'books'].includes(r[0]))
        .map((r) => r.slice(0, 4))
        .sort(),
    ).toEqual([
      ['audit_trail', head, String(events.length), '1'],
      ['books', head, String(events.length), '1'],
      ['ledger', head, String(events.length), '1'],
    ]);
    await project(db.pool, store);
  });

  it('status names the session of a running projector', async () => {
    let active!: () => void;
    const activated = new Promise<void>((resolve) => (active = resolve));
    // 'projection active' is logged once the runner holds its projection's lock.
    const log = (message: string) => void (message === 'projection active' && active());
    const runner = new ProjectionRunner({ pool: db.pool, store, projection: PROJECTIONS.ledger, batchSize: 97, log });
    const running = runner.run();
    try {
      await activated;
      const run = await ledger(['projections', 'status'], env);
      expect(run.code).toBe(0);
      const byName = Object.fromEntries(
        run.stdout
          .trimEnd()
          .split('\n')
          .slice(1)
          .map((l) => l.split('\t'))
          .map((r) => [r[0], r[8]]),
      );
      expect(byName.ledger).toMatch(/^pid \d+ \(/);
      expect(byName.audit_trail).toBe('not running');
      expect(run.stderr).toMatch(/^ledger: no projector is running audit_trail(, [a-z_]+)*: /);
    } finally {
      await runner.stop();
      await running;
    }
    // Stopped, it released the lock with its session: not running again.
    const after = await ledger(['projections', 'status'], env);
    expect(after.stdout.split('\n')[1].split('\t')[8]).toBe('not running');
  });

  it('rebuild recomputes a projection from position 0 and verify stays clean', async () => {
    await db.pool.query(`UPDATE read_models.payment_metrics SET payments_created = payments_created + 3`);
    expect((await ledger(['audit', 'verify'], env)).code).toBe(1);
    const run = await ledger(['projections', 'rebuild', 'ledger'], env);
    expect(run.code).toBe(0);
    const events = await readAllEvents(store);
    expect(run.stdout).toBe(`rebuilt ledger: ${events.length} events, now at ${formatPosition(events[events.length - 1].position)}\n`);
    expect(run.stderr).toMatch(/^rebuild ledger: \d+/m);
    const verify = await ledger(['audit', 'verify'], env);
    expect(verify.stdout).toMatch(/^verify: clean/m);
    expect(verify.code).toBe(0);
  });

  it('refuses an unknown projection with one line (exit 2)', async () => {
    const run = await ledger(['projections', 'rebuild', 'nope'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`ledger: unknown projection "nope" (known: ${Object.keys(PROJECTIONS).join(', ')})\n`);
  });

  it('needs the name of the projection to rebuild', async () => {
    const run = await ledger(['projections', 'rebuild'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/missing required argument 'name'/);
  });
});
