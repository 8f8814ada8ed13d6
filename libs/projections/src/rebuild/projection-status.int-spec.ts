import { PostgresEventStore } from '@ledger/event-store';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { projectionStatus } from './projection-status';

describe('Projection status: each projection’s lag on the streams it reads', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase(2);
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 5 });
  });

  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const behind = async () =>
    Object.fromEntries((await projectionStatus(db.pool, store)).map((s) => [s.name, s.lag.positionsBehind] as const));

  it('counts a payout’s events in the lag of the projections that read them (reconciliation, books: prefix pay), not in the others’', async () => {
    const metadata = { correlationId: 'c', actor: 'key_t', schemaVersion: 2, occurredAt: '2026-03-01T00:00:00.000Z' };
    await store.appendToStream(
      'payout-stripe-po_1',
      [
        {
          type: 'PayoutStatusReported',
          data: {
            provider: 'stripe',
            payoutId: 'po_1',
            status: 'paid',
            amount: 100,
            currency: 'USD',
            providerEventId: 'evt_1',
            reportedAt: metadata.occurredAt,
          },
          metadata,
        },
      ],
      'no_stream',
    );
    expect(await behind()).toEqual({ ledger: 0, audit_trail: 0, books: 1, reconciliation: 1 });

    await store.appendToStream(
      'payment-p1',
      [
        {
          type: 'PaymentCreated',
          data: { paymentId: 'p1', provider: 'stripe', amount: 100, currency: 'USD', createdAt: metadata.occurredAt },
          metadata,
        },
      ],
      'no_stream',
    );
    expect(await behind()).toEqual({ ledger: 1, audit_trail: 1, books: 2, reconciliation: 2 });
  });
});
