import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@ledger/event-store';
import { PROJECTIONS, ProjectionRunner, readCheckpoint } from '@ledger/projections';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';

describe('A projection meeting an event it cannot apply', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeEach(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 5 });
  });
  afterEach(() => db.drop());

  const created = (id: string) => ({
    type: 'PaymentCreated',
    data: { paymentId: id, provider: 'stripe', amount: 100, currency: 'USD', createdAt: '2025-11-20T00:00:00.000Z' },
    metadata: { correlationId: 'c', actor: 'key_1', schemaVersion: 1, occurredAt: '2025-11-20T00:00:00.000Z' },
  });

  it.each([
    [
      'an unknown event type',
      (id: string) => [created(id), { type: 'PaymentTeleported', data: { paymentId: id }, metadata: { schemaVersion: 1 } }],
    ],
    [
      'an event of a payment never created',
      (id: string) => [
        { type: 'PaymentProcessing', data: { paymentId: id, startedAt: '2025-11-20T00:00:00Z' }, metadata: { schemaVersion: 1 } },
      ],
    ],
    ['a schema version newer than the code', (id: string) => [{ ...created(id), metadata: { schemaVersion: 99 } }]],
  ])('stops loudly on %s and moves nothing', async (_label, build) => {
    const id = randomUUID();
    await store.appendToStream(`payment-${randomUUID()}`, [created(randomUUID())], 'no_stream');
    await store.appendToStream(`payment-${id}`, build(id), 'any');
    const runner = new ProjectionRunner({ pool: db.pool, store, projection: PROJECTIONS.ledger, batchSize: 500 });
    await expect(runner.run()).rejects.toThrow(/event .* at \d+\/\d+/);
    expect((await readCheckpoint(db.pool, 'ledger')).eventsApplied).toBe(0);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM read_models.payments');
    expect(rows[0].n).toBe(0);
  });
});
