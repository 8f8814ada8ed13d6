import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PostgresEventStore } from '@ledger/event-store';
import { DashboardQueries, readCheckpoint, rebuildProjection, verifyAuditChain } from '@ledger/projections';
import { createTestDatabase, waitFor, type TestDatabase } from '@ledger/testing';
import { expectedBreakdown, expectedMetrics } from './support/expected';
import { readAllEvents, snapshotReadModels, waitForProjections } from './support/harness';
import { appendWorkload, rng } from './support/workload';

const ROOT = join(__dirname, '..', '..', '..');

function startProjectorProcess(
  url: string,
  batchSize: number,
): { child: ChildProcess; active: Promise<void>; exited: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    ['--require', join(ROOT, 'test/support/swc-register.js'), join(ROOT, 'apps/projector/src/main.ts')],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, DATABASE_URL: url, PROJECTOR_BATCH_SIZE: String(batchSize), NODE_ENV: 'test' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  const active = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('projection active')) resolve();
    });
    child.on('exit', (code, signal) => reject(new Error(`projector exited (${code ?? signal}) before it was active:\n${log}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  active.catch(() => undefined);
  return { child, active, exited };
}

describe('The projector killed with SIGKILL mid-workload', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('restarts from its checkpoints and ends equal to a from-scratch rebuild', async () => {
    const store = new PostgresEventStore(db.pool, { pollIntervalMs: 5 });
    const random = rng(99);
    for (let round = 0; round < 10; round++) {
      const projector = startProjectorProcess(db.url, 10 + Math.floor(random() * 150));
      const workload = appendWorkload(store, { payments: 80, seed: 1000 + round, concurrency: 6 });
      await projector.active;
      // Killed once it has applied a random number of this round's events: anywhere from its first batch on.
      const applied = (await readCheckpoint(db.pool, 'ledger')).eventsApplied + 1 + Math.floor(random() * 150);
      await waitFor(
        async () => (await readCheckpoint(db.pool, 'ledger')).eventsApplied >= applied,
        'the projector to apply events',
        60_000,
      );
      projector.child.kill('SIGKILL');
      await projector.exited;
      await workload;
    }
    const last = startProjectorProcess(db.url, 100);
    await last.active;
    await waitForProjections(db.pool, store, 120_000);
    last.child.kill('SIGTERM');
    expect(await last.exited).toBe(0);

    const events = await readAllEvents(store);
    const queries = new DashboardQueries(db.pool, { suspiciousAmounts: { USD: 100_000 } });
    expect(await queries.metrics()).toEqual(expectedMetrics(events, {}, { USD: 100_000 }));
    expect(await queries.breakdown()).toEqual(expectedBreakdown(events, {}));
    expect(await verifyAuditChain(db.pool, store)).toEqual({ ok: true, rows: events.length, events: events.length });
    const afterCrashes = await snapshotReadModels(db.pool);
    await rebuildProjection('ledger', { pool: db.pool, store });
    await rebuildProjection('audit_trail', { pool: db.pool, store });
    expect(await snapshotReadModels(db.pool)).toEqual(afterCrashes);
  }, 240_000);
});
