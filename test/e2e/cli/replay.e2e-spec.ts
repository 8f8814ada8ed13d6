import { Writable } from 'node:stream';
import { PostgresEventStore, formatPosition, type RecordedEvent } from '@ledger/event-store';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { readAllEvents } from '../projections/support/harness';
import { appendWorkload } from '../projections/support/workload';
import { ledger } from './support/cli';

/** The contract's event shape, built here from the store's events rather than by the CLI's formatter. */
const contractShape = (e: RecordedEvent) => ({
  eventId: e.eventId,
  streamId: e.streamId,
  type: e.type,
  revision: Number(e.revision),
  position: `${e.position.commit}/${e.position.prepare}`,
  occurredAt: (e.metadata as { occurredAt: string }).occurredAt,
  // CONTRACT: the ledger's own time beside the provider's.
  recordedAt: e.recordedAt.toISOString(),
  data: e.data,
  metadata: e.metadata,
});

const parse = (ndjson: string) =>
  ndjson
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));

describe('ledger audit replay', () => {
  let db: TestDatabase;
  let events: RecordedEvent[];
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase();
    const store = new PostgresEventStore(db.pool);
    await appendWorkload(store, { payments: 400, seed: 7, concurrency: 6 });
    events = await readAllEvents(store);
    env = { DATABASE_URL: db.url };
  });

  afterAll(() => db.drop());

  it('prints every event in global order, one contract-shaped JSON object per line', async () => {
    const run = await ledger(['audit', 'replay'], env);
    expect(run.code).toBe(0);
    expect(parse(run.stdout)).toEqual(events.map(contractShape));
    expect(run.stderr).toBe(`${events.length} events\n`);
  });

  it('prints one stream, in revision order', async () => {
    const streamId = events[events.length - 1].streamId;
    const run = await ledger(['audit', 'replay', '--stream', streamId], env);
    expect(run.code).toBe(0);
    expect(parse(run.stdout)).toEqual(events.filter((e) => e.streamId === streamId).map(contractShape));
  });

  it('prints an inclusive position range', async () => {
    const [from, to] = [events[10].position, events[42].position].map(formatPosition);
    const run = await ledger(['audit', 'replay', '--from-position', from, '--to-position', to], env);
    expect(run.code).toBe(0);
    expect(parse(run.stdout)).toEqual(events.slice(10, 43).map(contractShape));
  });

  it('starts at the beginning of a transaction given "<commit>/0"', async () => {
    // An event in the middle of its transaction (concurrent commands share one commit since issue 33): "<commit>/0"
    // of it starts at the first event of that transaction, not at it.
    const sameCommit = (a: RecordedEvent, b: RecordedEvent) => String(a.position.commit) === String(b.position.commit);
    const mid = events.findIndex((e, k) => k >= 10 && sameCommit(e, events[k - 1]));
    expect(mid).toBeGreaterThan(0);
    const first = events.findIndex((e) => sameCommit(e, events[mid]));
    expect(first).toBeLessThan(mid);
    const last = Math.min(mid + 32, events.length - 1);
    const from = `${events[mid].position.commit}/0`;
    const run = await ledger(['audit', 'replay', '--from-position', from, '--to-position', formatPosition(events[last].position)], env);
    expect(run.code).toBe(0);
    expect(parse(run.stdout)).toEqual(events.slice(first, last + 1).map(contractShape));
  });

  it('prints a readable table with one row per event', async () => {
    const run = await ledger(['audit', 'replay', '--format', 'table', '--to-position', formatPosition(events[4].position)], env);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2 + 5);
    expect(lines[0]).toMatch(/^position\s+occurredAt\s+streamId\s+rev\s+type\s+summary$/);
    expect(lines[2]).toContain(events[0].streamId);
    expect(lines[2]).toContain(formatPosition(events[0].position));
  });

  it('waits for a slow reader instead of buffering (backpressure)', async () => {
    const chunks: string[] = [];
    let writesWhileFull = 0;
    const out = new Writable({
      highWaterMark: 256,
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        setTimeout(done, 5);
      },
    });
    const write = out.write.bind(out);
    out.write = ((chunk: string) => {
      if (out.writableNeedDrain) writesWhileFull += 1;
      return write(chunk);
    }) as typeof out.write;
    const run = await ledger(['audit', 'replay'], env, { out });
    expect(run.code).toBe(0);
    expect(chunks.length).toBeGreaterThan(1);
    expect(writesWhileFull).toBe(0);
    expect(parse(chunks.join(''))).toEqual(events.map(contractShape));
  });

  it.each([
    [['audit', 'replay', '--format', 'xml'], /--format/],
    [['audit', 'replay', '--from-position', 'yesterday'], /from-position/],
    [['audit', 'replay', '--bogus'], /unknown option '--bogus'/],
    [['audit', 'replay', '--stream', 'payment-none'], /no stream named "payment-none"/],
  ])('refuses %j with one line and exit 2', async (argv, message) => {
    const run = await ledger(argv, env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('says in one line that the database is unreachable (exit 2)', async () => {
    const run = await ledger(['audit', 'replay'], { DATABASE_URL: 'postgres://ledger@127.0.0.1:1/nowhere' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^ledger: database unreachable at 127\.0\.0\.1:1\/nowhere: .+\n$/);
  });

  it('documents its flags in --help', async () => {
    const run = await ledger(['audit', 'replay', '--help'], env);
    expect(run.code).toBe(0);
    for (const flag of ['--stream', '--from-position', '--to-position', '--format']) expect(run.stdout).toContain(flag);
  });
});
