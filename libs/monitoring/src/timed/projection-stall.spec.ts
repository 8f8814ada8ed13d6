import type { HorizonHolder } from '@ledger/event-store';
import { assessProjectionStall, projectionStallReading, stalledProjections, type ProjectionProgress } from './projection-stall';

const NOW = new Date('2026-01-10T12:00:00Z');
const STALL_AFTER_MS = 30_000;
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();

/** A projection as projectionStatus reports it at NOW: checkpoint moved `moved` s ago, `waiting` events, the oldest `oldest` s old. */
function progress(
  name: string,
  {
    moved,
    waiting,
    oldest = 0,
    capped = false,
    horizonAge = 0.01,
    holder = null,
  }: Partial<Record<'oldest' | 'horizonAge', number>> & {
    moved: number;
    waiting: number;
    capped?: boolean;
    holder?: HorizonHolder | null;
  },
): ProjectionProgress {
  return {
    name,
    updatedAt: ago(moved),
    lag: { positionsBehind: waiting, capped, secondsBehind: waiting ? oldest : 0, horizonAgeSeconds: horizonAge, horizonHolder: holder },
  };
}

const ANALYST: HorizonHolder = { pid: 4242, application: 'psql', database: 'ledger', state: 'idle in transaction', ageSeconds: 95 };

describe('the stall definition: events wait behind the checkpoint and it has not moved for PROJECTION_STALL_AFTER', () => {
  it('a dead projector with events waiting: not yet stalled before stallAfter, stalled from it on', () => {
    // The projector died 29 s ago; payments kept coming since (the oldest waiting one arrived just after).
    expect(assessProjectionStall(progress('ledger', { moved: 29, waiting: 260, oldest: 28.9 }), NOW, STALL_AFTER_MS)).toMatchObject({
      stalled: false,
      waitedSeconds: 28.9,
    });
    const dead = assessProjectionStall(progress('ledger', { moved: 147.3, waiting: 793, oldest: 147 }), NOW, STALL_AFTER_MS);
    expect(dead).toEqual({ name: 'ledger', stalled: true, waitedSeconds: 147, eventsWaiting: 793, capped: false, horizon: null });
    expect(assessProjectionStall(progress('ledger', { moved: 30, waiting: 1, oldest: 30 }), NOW, STALL_AFTER_MS).stalled).toBe(true);
  });

  it('a slow projector that keeps moving its checkpoint is not stalled, however far behind it is', () => {
    // 5,000 events behind, the oldest 90 s old, but a batch committed 2 s ago.
    const slow = assessProjectionStall(progress('ledger', { moved: 2, waiting: 1000, capped: true, oldest: 90 }), NOW, STALL_AFTER_MS);
    expect(slow).toMatchObject({ stalled: false, waitedSeconds: 2, eventsWaiting: 1000, capped: true });
  });

  it('caught up and idle is not stalled, and the first event after an idle hour is measured from its own arrival', () => {
    expect(assessProjectionStall(progress('ledger', { moved: 3600, waiting: 0 }), NOW, STALL_AFTER_MS)).toMatchObject({
      stalled: false,
      waitedSeconds: 0,
    });
    expect(assessProjectionStall(progress('ledger', { moved: 3600, waiting: 3, oldest: 1 }), NOW, STALL_AFTER_MS)).toMatchObject({
      stalled: false,
      waitedSeconds: 1,
    });
    expect(assessProjectionStall(progress('ledger', { moved: 3600, waiting: 3, oldest: 31 }), NOW, STALL_AFTER_MS).stalled).toBe(true);
  });

  it('a projection whose runner never started (no checkpoint row: moved at the epoch) stalls on its waiting events', () => {
    const never = progress('process_manager', { moved: 0, waiting: 5, oldest: 40 });
    expect(assessProjectionStall({ ...never, updatedAt: new Date(0).toISOString() }, NOW, STALL_AFTER_MS)).toMatchObject({
      stalled: true,
      waitedSeconds: 40,
    });
  });

  it('a held read horizon: stalled, and names the session holding it', () => {
    const held = assessProjectionStall(
      progress('ledger', { moved: 95, waiting: 3, oldest: 60, horizonAge: 95, holder: ANALYST }),
      NOW,
      STALL_AFTER_MS,
    );
    expect(held).toMatchObject({ stalled: true, waitedSeconds: 60, horizon: { ageSeconds: 95, holder: ANALYST } });
    // A holder this role cannot see: the horizon's age is how long the events above it have waited.
    const unseen = assessProjectionStall(progress('ledger', { moved: 95, waiting: 3, oldest: 60, horizonAge: 60 }), NOW, STALL_AFTER_MS);
    expect(unseen.horizon).toEqual({ ageSeconds: 60, holder: null });
    // The short transactions of ordinary traffic are no held horizon: a dead projector names nobody.
    const dead = assessProjectionStall(
      progress('ledger', { moved: 95, waiting: 3, oldest: 60, horizonAge: 0.2, holder: ANALYST }),
      NOW,
      STALL_AFTER_MS,
    );
    expect(dead).toMatchObject({ stalled: true, horizon: null });
  });

  it('stalledProjections keeps only the stalled ones, in registry order', () => {
    const all = [
      progress('ledger', { moved: 40, waiting: 12, oldest: 40 }),
      progress('audit_trail', { moved: 1, waiting: 12, oldest: 40 }),
      progress('process_manager', { moved: 50, waiting: 2, oldest: 45 }),
    ];
    expect(stalledProjections(all, NOW, STALL_AFTER_MS).map((s) => s.name)).toEqual(['ledger', 'process_manager']);
  });
});

describe('projectionStallReading: one projection_stalled reading for the whole system', () => {
  it('fires once for every stalled projection, listing each with its waiting events and age', () => {
    const reading = projectionStallReading(
      [
        progress('ledger', { moved: 147.4, waiting: 793, oldest: 147 }),
        progress('audit_trail', { moved: 150, waiting: 1000, capped: true, oldest: 150 }),
      ],
      NOW,
      STALL_AFTER_MS,
    );
    expect(reading).toMatchObject({
      rule: 'projection_stalled',
      provider: null,
      severity: 'critical',
      firing: true,
      value: 150,
      threshold: 30,
    });
    expect(reading.title).toBe('projections stalled: ledger (793 events waiting for 147 s), audit_trail (1000+ events waiting for 150 s)');
    expect(reading.windowStart).toEqual(new Date(NOW.getTime() - 150_000));
    expect(reading.details).toEqual({
      projections: 'ledger,audit_trail',
      eventsWaiting: 1000,
      waitedSeconds: 150,
      'ledger.eventsWaiting': 793,
      'ledger.waitedSeconds': 147,
      'audit_trail.eventsWaiting': 1000,
      'audit_trail.waitedSeconds': 150,
      pid: null,
      application: null,
      database: null,
      state: null,
      ageSeconds: null,
    });
  });

  it('names the session holding the read horizon, as the alert always has', () => {
    const reading = projectionStallReading(
      [progress('ledger', { moved: 95, waiting: 3, oldest: 60, horizonAge: 95, holder: ANALYST })],
      NOW,
      STALL_AFTER_MS,
    );
    expect(reading.title).toBe(
      'projection stalled: ledger (3 events waiting for 60 s); read horizon held by pid 4242 (psql, database ledger, idle in transaction, 95 s)',
    );
    expect(reading.details).toMatchObject({
      pid: 4242,
      application: 'psql',
      database: 'ledger',
      state: 'idle in transaction',
      ageSeconds: 95,
    });
    const unseen = projectionStallReading([progress('ledger', { moved: 95, waiting: 3, oldest: 60, horizonAge: 60 })], NOW, STALL_AFTER_MS);
    expect(unseen.title).toContain('held by a session this role cannot see (grant pg_read_all_stats to name it)');
    expect(unseen.details).toMatchObject({ pid: null, ageSeconds: 60 });
  });

  it('is clear while nothing is stalled', () => {
    const reading = projectionStallReading(
      [progress('ledger', { moved: 1, waiting: 40, oldest: 35 }), progress('audit_trail', { moved: 600, waiting: 0 })],
      NOW,
      STALL_AFTER_MS,
    );
    expect(reading).toMatchObject({ firing: false, value: 0, details: { projections: '' } });
    expect(reading.title).toBe('projections moving: ledger (40 events waiting), audit_trail (0 events waiting)');
  });
});
