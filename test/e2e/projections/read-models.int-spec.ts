import { formatPosition, type EventStore, type RecordedEvent } from '@ledger/event-store';
import { DashboardQueries, rebuildProjection, verifyAuditChain } from '@ledger/projections';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { startProjector } from '../../../apps/projector/src/projector';
import { expectedBreakdown, expectedErrors, expectedFailed, expectedMetrics, expectedVolume, model, type Filter } from './support/expected';
import { openWorkloadStore, readAllEvents, snapshotReadModels, waitForProjections } from './support/harness';
import { appendWorkload, type Truth } from './support/workload';

/** Every index of the read models with its name and definition, and the constraint it backs. */
async function indexesOf(pool: TestDatabase['pool']): Promise<unknown[]> {
  const { rows } = await pool.query(
    `SELECT i.tablename, i.indexname, i.indexdef, c.conname
       FROM pg_indexes i LEFT JOIN pg_constraint c ON c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass
      WHERE i.schemaname = 'read_models' ORDER BY i.tablename, i.indexname`,
  );
  return rows;
}

const THRESHOLDS = { USD: 100_000, JPY: 50_000, KWD: 200_000 };
const FILTERS: Filter[] = [
  {},
  { provider: 'stripe' },
  { provider: 'paystack' },
  { currency: 'JPY' },
  { currency: 'KWD' },
  { provider: 'paystack', currency: 'USD' },
];

describe('Read models', () => {
  let db: TestDatabase;
  let store: EventStore;
  let queries: DashboardQueries;
  let events: RecordedEvent[];
  const truth = new Map<string, Truth>();

  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openWorkloadStore(db.pool);
    queries = new DashboardQueries(db.pool, { store, suspiciousAmounts: THRESHOLDS, clock: () => new Date('2025-11-21T12:00:00Z') });
    const projector = startProjector({ pool: db.pool, store, batchSize: 137 });
    // The projector runs while the workload is appended, with appends committing out of order.
    const appended = await appendWorkload(store, { payments: 1500, seed: 4242, concurrency: 12, truth });
    await waitForProjections(db.pool, store);
    await projector.stop();
    events = await readAllEvents(store);
    expect(events).toHaveLength(appended);
  }, 180_000);

  afterAll(async () => {
    await store?.close();
    await db.drop();
  });

  describe('after a randomised workload over both providers and five currencies', () => {
    it.each(FILTERS)('metrics equal the independent computation for %j', async (filter) => {
      expect(await queries.metrics(filter)).toEqual(expectedMetrics(events, filter, THRESHOLDS, truth));
    });

    it('covers every lifecycle path', () => {
      const statuses = new Set([...model(events, truth).payments.values()].map((p) => p.status));
      expect([...statuses].sort()).toEqual(['failed', 'partially_refunded', 'pending', 'processing', 'refunded', 'succeeded']);
      expect([...new Set(events.map((e) => e.type))].sort()).toEqual([
        'PaymentCreated',
        'PaymentDisputeClosed',
        'PaymentDisputed',
        'PaymentFailed',
        'PaymentFraudFlagged',
        'PaymentProcessing',
        // A dispute lost after refunds takes refunds plus losses past the capture: booked, and a mismatch for a person.
        'PaymentProviderMismatch',
        'PaymentRefundReported',
        'PaymentRefundReversed',
        'PaymentRefunded',
        'PaymentSucceeded',
      ]);
    });

    it.each(FILTERS)('breakdown, errors and failed payments equal the computation for %j', async (filter) => {
      expect(await queries.breakdown(filter)).toEqual(expectedBreakdown(events, filter, truth));
      expect(await queries.errors(filter)).toEqual(expectedErrors(events, filter));
      expect(await queries.failedPayments(25, filter)).toEqual(expectedFailed(events, 25, filter));
    });

    it.each(FILTERS)('volume over time by hour and day equals the computation for %j', async (filter) => {
      expect(await queries.volumeOverTime({ granularity: 'hour', ...filter })).toEqual(expectedVolume(events, 'hour', filter));
      expect(await queries.volumeOverTime({ granularity: 'day', ...filter })).toEqual(expectedVolume(events, 'day', filter));
    });

    it('bounds volume over time by [from, to)', async () => {
      const all = expectedVolume(events, 'hour', {});
      const from = new Date(all[10].bucketStart);
      const to = new Date(all[40].bucketStart);
      const inRange = all.filter((b) => b.bucketStart >= from.toISOString() && b.bucketStart < to.toISOString());
      expect(await queries.volumeOverTime({ granularity: 'hour', from, to })).toEqual(inRange);
    });

    it('counts, from the events alone, what the workload really refunded and lost in disputes', () => {
      const fromEvents = model(events).payments;
      for (const [id, real] of truth) {
        const p = fromEvents.get(id);
        if (p)
          expect([id, p.refunded, p.disputedOpen, p.disputeLosses]).toEqual([id, real.refunded, real.disputedOpen, real.disputeLosses]);
      }
    });

    it('keeps every payment row equal to the fold of its events', async () => {
      const { rows } = await db.pool.query('SELECT * FROM read_models.payments');
      const expected = model(events, truth).payments;
      expect(rows).toHaveLength(expected.size);
      for (const r of rows) {
        const p = expected.get(r.payment_id)!;
        expect([
          r.status,
          Number(r.amount),
          r.currency,
          Number(r.refunded_amount),
          r.disputed,
          r.fraud_flag_count,
          Number(r.revision),
        ]).toEqual([p.status, p.amount, p.currency, p.refunded, p.disputed, p.fraudFlags, p.revision]);
        expect([Number(r.disputed_amount), Number(r.dispute_losses)]).toEqual([p.disputedOpen, p.disputeLosses]);
        expect(r.processing_time_ms === null ? null : Number(r.processing_time_ms)).toEqual(p.decidedMs);
      }
    });

    it('lists the latest events newest first, and filtered by provider', async () => {
      const recent = await queries.recentEvents(50);
      expect(recent.map((e) => e.position)).toEqual(
        events
          .slice(-50)
          .reverse()
          .map((e) => formatPosition(e.position)),
      );
      expect(recent[0]).toMatchObject({
        eventId: events.at(-1)!.eventId,
        type: events.at(-1)!.type,
        revision: Number(events.at(-1)!.revision),
      });
      const providers = model(events).payments;
      const stripe = events
        .filter((e) => providers.get(e.streamId.slice(8))!.provider === 'stripe')
        .slice(-10)
        .reverse();
      expect((await queries.recentEvents(10, { provider: 'stripe' })).map((e) => e.eventId)).toEqual(stripe.map((e) => e.eventId));
    });

    it('reports no lag once caught up', async () => {
      const lag = await queries.lag();
      expect(lag.ledger).toMatchObject({ positionsBehind: 0, secondsBehind: 0 });
      expect(lag.audit_trail).toMatchObject({ positionsBehind: 0 });
    });

    it('has an intact audit chain with one row per event', async () => {
      expect(await verifyAuditChain(db.pool, store)).toEqual({ ok: true, rows: events.length, events: events.length });
    });

    it('rebuilds every projection into identical tables', async () => {
      const before = await snapshotReadModels(db.pool);
      const indexesBefore = await indexesOf(db.pool);
      for (const name of ['ledger', 'audit_trail']) {
        const progress: number[] = [];
        const result = await rebuildProjection(name, {
          pool: db.pool,
          store,
          chunkSize: 1000,
          onProgress: (p) => progress.push(p.eventsDone),
        });
        expect(result).toMatchObject({ phase: 'done', eventsDone: events.length });
        expect(progress.length).toBeGreaterThan(3);
      }
      expect(await snapshotReadModels(db.pool)).toEqual(before);
      // The migrations' names too: a later migration drops or alters an index by its name.
      expect(await indexesOf(db.pool)).toEqual(indexesBefore);
      const { rows } = await db.pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'read_models_%'`);
      expect(rows).toEqual([]);
    });

    it('rebuilds into identical tables when each flush holds a few rows and few rows stay cached', async () => {
      // Payments span flushes and fall out of the cache, so their rows are read back from the shadow tables.
      const before = await snapshotReadModels(db.pool);
      for (const name of ['ledger', 'audit_trail']) {
        const result = await rebuildProjection(name, { pool: db.pool, store, chunkSize: 250, tuning: { flushRows: 7, cacheRows: 11 } });
        expect(result).toMatchObject({ phase: 'done', eventsDone: events.length });
      }
      expect(await snapshotReadModels(db.pool)).toEqual(before);
    });

    it('detects a tampered audit row and names its position', async () => {
      const victim = events[Math.floor(events.length / 2)];
      const at = formatPosition(victim.position);
      await db.pool.query(
        `UPDATE read_models.audit_trail SET data = jsonb_set(data, '{paymentId}', '"forged"')
          WHERE commit_position = $1 AND prepare_position = $2`,
        [victim.position.commit.toString(), victim.position.prepare.toString()],
      );
      expect(await verifyAuditChain(db.pool, store)).toMatchObject({ ok: false, brokenAt: at });
    });

    it('detects a deleted audit row', async () => {
      await rebuildProjection('audit_trail', { pool: db.pool, store });
      const victim = events.at(-1)!;
      await db.pool.query(`DELETE FROM read_models.audit_trail WHERE commit_position = $1 AND prepare_position = $2`, [
        victim.position.commit.toString(),
        victim.position.prepare.toString(),
      ]);
      expect(await verifyAuditChain(db.pool, store)).toMatchObject({
        ok: false,
        rows: events.length - 1,
        events: events.length,
      });
    });
  });
});
