import type { Pool } from 'pg';
import type { EventStore, RecordedEvent } from '@ledger/event-store';
import { PROJECTIONS } from '../projections';
import { DashboardQueries } from './dashboard-queries';

/** A store whose uncommitted tail the test sets: `behind` events after every checkpoint, the oldest recorded at `oldest`. */
function fakeStore() {
  const state = { behind: 0, oldest: new Date('2025-11-21T11:59:50Z'), reads: 0 };
  const event = (i: number) => ({ position: { commit: BigInt(i + 1), prepare: BigInt(i + 1) }, recordedAt: state.oldest }) as RecordedEvent;
  const store = {
    readAll: async (options?: { direction?: string; maxCount?: number }) => {
      if (options?.direction !== 'backwards') state.reads += 1;
      const n = options?.direction === 'backwards' ? Math.min(1, state.behind) : Math.min(state.behind, options?.maxCount ?? Infinity);
      return Array.from({ length: n }, (_, i) => event(i));
    },
  } as unknown as EventStore;
  return { store, state };
}

const pool = { query: async () => ({ rows: [] }) } as unknown as Pool;
const NOW = new Date('2025-11-21T12:00:00Z');
const NAMES = Object.keys(PROJECTIONS); // ledger, audit_trail, books, reconciliation
const PROJECTION_COUNT = NAMES.length; // one read per projection per measurement

describe('DashboardQueries.lag: measured once per second per instance, a stall still shows', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  it('serves one measurement for a second, refreshes it in the background up to 2 s, and never serves an older one', async () => {
    const { store, state } = fakeStore();
    const queries = new DashboardQueries(pool, { store, suspiciousAmounts: {}, clock: () => NOW });

    expect((await queries.lag()).ledger).toMatchObject({ positionsBehind: 0, secondsBehind: 0 });
    expect(state.reads).toBe(PROJECTION_COUNT);

    state.behind = 7; // the projectors stall
    jest.advanceTimersByTime(900);
    expect((await queries.lag()).ledger.positionsBehind).toBe(0);
    expect(state.reads).toBe(PROJECTION_COUNT);

    jest.advanceTimersByTime(200); // 1.1 s: the old value once more, a new measurement starts
    expect((await queries.lag()).ledger.positionsBehind).toBe(0);
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    expect(state.reads).toBe(2 * PROJECTION_COUNT);
    expect((await queries.lag()).ledger).toMatchObject({ positionsBehind: 7, secondsBehind: 10 });
    expect(state.reads).toBe(2 * PROJECTION_COUNT);
  });

  it('waits for a fresh measurement when the last one is 2 s old or more', async () => {
    const { store, state } = fakeStore();
    const queries = new DashboardQueries(pool, { store, suspiciousAmounts: {}, clock: () => NOW });
    await queries.lag();
    state.behind = 3;
    jest.advanceTimersByTime(2000);
    expect((await queries.lag()).audit_trail).toMatchObject({ positionsBehind: 3, secondsBehind: 10 });
  });

  it('measures concurrent callers once', async () => {
    const { store, state } = fakeStore();
    const queries = new DashboardQueries(pool, { store, suspiciousAmounts: {}, clock: () => NOW });
    await Promise.all([queries.lag(), queries.lag(), queries.lag()]);
    expect(state.reads).toBe(PROJECTION_COUNT);
  });

  it('measures on every call with lagRefreshMs 0', async () => {
    const { store, state } = fakeStore();
    const queries = new DashboardQueries(pool, { store, suspiciousAmounts: {}, clock: () => NOW, lagRefreshMs: 0 });
    await queries.lag();
    state.behind = 1;
    expect((await queries.lag()).ledger.positionsBehind).toBe(1);
    expect(state.reads).toBe(2 * PROJECTION_COUNT);
  });
});

describe('DashboardQueries.health: unhealthy while a projection is stalled (the projection_stalled definition)', () => {
  it('lists each stalled projection with its age and waiting events, from the lag measurement', async () => {
    const { store, state } = fakeStore();
    // No checkpoint rows (the fake pool): the checkpoints never moved, so the oldest waiting event dates the stall.
    const queries = new DashboardQueries(pool, { store, suspiciousAmounts: {}, clock: () => NOW, lagRefreshMs: 0, stallAfterMs: 30_000 });
    expect(await queries.health()).toMatchObject({ status: 'healthy', issues: [] });

    state.behind = 12;
    state.oldest = new Date(NOW.getTime() - 29_000);
    expect(await queries.health()).toMatchObject({ status: 'healthy', issues: [] });

    state.oldest = new Date(NOW.getTime() - 147_000);
    const health = await queries.health(NOW, { provider: 'stripe' });
    expect(health.status).toBe('unhealthy');
    expect(NAMES.slice(0, 2)).toEqual(['ledger', 'audit_trail']);
    expect(health.issues).toEqual(NAMES.map((name) => `projection ${name} stalled: 12 events waiting for 147 s`));
    expect((await queries.payments()).health.issues).toHaveLength(PROJECTION_COUNT);
    expect((await queries.projections()).map((p) => [p.name, p.stall.stalled, p.stall.waitedSeconds])).toEqual(
      NAMES.map((name) => [name, true, 147]),
    );

    state.behind = 0; // caught up
    expect(await queries.health()).toMatchObject({ status: 'healthy', issues: [] });
  });

  it('without an event store there is no lag to judge: the providers health alone', async () => {
    const queries = new DashboardQueries(pool, { suspiciousAmounts: {}, clock: () => NOW });
    expect((await queries.health()).status).toBe('healthy');
  });
});
