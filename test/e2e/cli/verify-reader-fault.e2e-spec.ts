import { PostgresEventStore, formatPosition, type EventStore, type RecordedEvent, type Subscription } from '@ledger/event-store';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { readAllEvents } from '../projections/support/harness';
import { appendWorkload } from '../projections/support/workload';
import { ledger, project } from './support/cli';

/** A reader fault in the projector only: its subscription never delivers one event; every other read is untouched. */
function droppingOne(store: EventStore, eventId: string): EventStore {
  const faulty: EventStore = Object.create(store);
  faulty.subscribeToAll = (options) => {
    const inner = store.subscribeToAll(options);
    const subscription: Subscription = {
      stop: () => inner.stop(),
      async *[Symbol.asyncIterator]() {
        for await (const message of inner) {
          if (message.kind !== 'events') {
            yield message;
            continue;
          }
          const events = message.events.filter((e) => e.eventId !== eventId);
          if (events.length > 0) yield { kind: 'events', events };
        }
      },
    };
    return subscription;
  };
  return faulty;
}

/** An event in the middle whose loss breaks nothing downstream in the projector (not a creation, the last of its stream). */
function harmlessToDrop(events: readonly RecordedEvent[]): RecordedEvent {
  const lastOfStream = new Map(events.map((e) => [e.streamId, e.eventId]));
  const middle = events.slice(Math.floor(events.length / 3), -10);
  const found = middle.find((e) => e.type !== 'PaymentCreated' && lastOfStream.get(e.streamId) === e.eventId);
  if (!found) throw new Error('workload has no droppable event');
  return found;
}

describe('ledger audit verify, when the projector’s reader skips an event', () => {
  let db: TestDatabase;
  let dropped: RecordedEvent;
  let events: RecordedEvent[];

  beforeAll(async () => {
    db = await createTestDatabase();
    const store = new PostgresEventStore(db.pool, { pollIntervalMs: 10 });
    await appendWorkload(store, { payments: 80, seed: 7, concurrency: 4 });
    events = await readAllEvents(store);
    dropped = harmlessToDrop(events);
    await project(db.pool, droppingOne(store, dropped.eventId));
  }, 120_000);

  afterAll(() => db.drop());

  it('the projector really missed it (the fault is real, not a no-op)', async () => {
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM read_models.audit_trail WHERE event_id = $1`, [dropped.eventId]);
    expect(rows[0].n).toBe(0);
  });

  it('reports the missing event, the short count and exits 1', async () => {
    const run = await ledger(['audit', 'verify'], { DATABASE_URL: db.url });
    expect(run.code).toBe(1);
    const at = formatPosition(dropped.position);
    const head = formatPosition(events[events.length - 1].position);
    expect(run.stdout).toContain(`audit_trail [position=${at}] row: expected a row for event ${dropped.eventId}, actual no row\n`);
    expect(run.stdout).toContain(
      `checkpoints [name=ledger, position=${head}] events_applied: expected ${events.length} (stored events up to the checkpoint), actual ${events.length - 1}\n`,
    );
    expect(run.stdout).toContain(
      `checkpoints [name=audit_trail, position=${head}] events_applied: expected ${events.length} (stored events up to the checkpoint), actual ${events.length - 1}\n`,
    );
    expect(run.stdout).toContain(
      `audit_trail [rows] count: expected ${events.length} (stored events up to its checkpoint), actual ${events.length - 1}\n`,
    );
    expect(run.stdout).toMatch(
      new RegExp(`^verify: \\d+ differences \\(${events.length} events, 80 payments, ${events.length - 1} audit rows\\)$`, 'm'),
    );
  });
});
