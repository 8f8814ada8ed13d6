import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@ledger/event-store';
import { withTransaction } from '@ledger/platform';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { READ_MODELS_SCHEMA, type Projection } from '../runner/projection';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

/** The ledger projection as a new process loads it: its live upcaster has seen nothing. */
function freshProcess(): Projection {
  let projection: Projection | undefined;
  jest.isolateModules(() => {
    projection = jest.requireActual<{ ledgerProjection: Projection }>('./ledger-projection').ledgerProjection;
  });
  return projection as Projection;
}

describe('Ledger projection, live, on a stream stored in a provider’s units before issue 28', () => {
  it('reads the stream’s PaymentCreated, applied by an earlier process, from the store and books the next old event in ISO units', async () => {
    const store = new PostgresEventStore(db.pool);
    const at = '2026-03-02T10:00:00.000Z';
    const id = { paymentId: 'pay_isk_live' };
    const metadata = { actor: 'webhook:stripe', correlationId: 'c', occurredAt: at, schemaVersion: 1 };
    const old = [
      { type: 'PaymentCreated', data: { ...id, provider: 'stripe', amount: 500000, currency: 'ISK', createdAt: at } },
      { type: 'PaymentProcessing', data: { ...id, startedAt: at } },
      { type: 'PaymentSucceeded', data: { ...id, amount: 500000, currency: 'ISK', succeededAt: at } },
    ];
    await store.appendToStream(
      'payment-pay_isk_live',
      old.map((e) => ({ ...e, eventId: randomUUID(), metadata })),
      'no_stream',
    );
    const [created, processing, succeeded] = await store.readStream('payment-pay_isk_live');
    const target = { schema: READ_MODELS_SCHEMA, store };
    const earlier = freshProcess();
    await withTransaction(db.pool, (tx) => earlier.apply(tx, [created, processing], target));
    const later = freshProcess();
    await withTransaction(db.pool, (tx) => later.apply(tx, [succeeded], target));

    const { rows } = await db.pool.query(
      `SELECT p.amount::int, p.captured_amount::int AS captured, p.status, m.volume_succeeded::text AS succeeded
         FROM read_models.payments p JOIN read_models.payment_metrics m ON (m.provider, m.currency) = (p.provider, p.currency)
        WHERE p.payment_id = 'pay_isk_live'`,
    );
    expect(rows).toEqual([{ amount: 5000, captured: 5000, status: 'succeeded', succeeded: '5000' }]);
  });
});
