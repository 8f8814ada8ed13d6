import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type EventData } from '@ledger/event-store';
import { DashboardQueries } from '@ledger/projections';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { startProjector } from '../../../apps/projector/src/projector';
import { waitForProjections } from './support/harness';

const T0 = Date.parse('2025-11-21T12:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const meta = { correlationId: 'c', actor: 'key_1', schemaVersion: 1, occurredAt: at(0) };

function payment(provider: string, minute: number, outcome: 'ok' | 'fail', processingTimeMs: number, fraud = 0): EventData[] {
  const id = randomUUID();
  const events: EventData[] = [
    { type: 'PaymentCreated', data: { paymentId: id, provider, amount: 500, currency: 'USD', createdAt: at(minute - 1) } },
    { type: 'PaymentProcessing', data: { paymentId: id, startedAt: at(minute - 1) } },
    outcome === 'ok'
      ? { type: 'PaymentSucceeded', data: { paymentId: id, amount: 500, currency: 'USD', processingTimeMs, succeededAt: at(minute) } }
      : { type: 'PaymentFailed', data: { paymentId: id, errorCode: 'card_declined', processingTimeMs, failedAt: at(minute) } },
  ];
  for (let i = 0; i < fraud; i++)
    events.push({ type: 'PaymentFraudFlagged', data: { paymentId: id, reason: 'velocity', flaggedAt: at(minute) } });
  return events.map((e) => ({ ...e, metadata: meta }));
}

describe('Health from the minute windows, at an injected now', () => {
  let db: TestDatabase;
  let queries: DashboardQueries;

  beforeAll(async () => {
    db = await createTestDatabase();
    const store = new PostgresEventStore(db.pool, { pollIntervalMs: 5 });
    const streams = [
      ...Array.from({ length: 18 }, () => payment('stripe', 0, 'ok', 1000)),
      ...Array.from({ length: 2 }, () => payment('stripe', 0, 'fail', 1000)),
      ...Array.from({ length: 9 }, () => payment('paystack', 30, 'ok', 8000)),
      payment('paystack', 30, 'fail', 8000, 11),
    ];
    for (const events of streams)
      await store.appendToStream(`payment-${(events[0].data as { paymentId: string }).paymentId}`, events, 'no_stream');
    const projector = startProjector({ pool: db.pool, store, batchSize: 7 });
    await waitForProjections(db.pool, store);
    await projector.stop();
    queries = new DashboardQueries(db.pool, { suspiciousAmounts: {}, clock: () => new Date(T0 + 5 * 60_000) });
  });
  afterAll(() => db.drop());

  it('is degraded at 10% failures for stripe while the window holds them', async () => {
    expect(await queries.health(undefined, { provider: 'stripe' })).toMatchObject({
      status: 'degraded',
      metrics: { succeeded: 18, failed: 2, failureRate: 10, averageProcessingTimeMs: 1000 },
    });
    expect((await queries.health(new Date(T0 + 20 * 60_000), { provider: 'stripe' })).status).toBe('healthy');
  });

  it('sees slow processing and fraud for paystack thirty minutes later', async () => {
    const health = await queries.health(new Date(T0 + 31 * 60_000), { provider: 'paystack' });
    expect(health).toMatchObject({
      status: 'unhealthy',
      metrics: { failureRate: 10, averageProcessingTimeMs: 8000, fraudFlagsLastHour: 11 },
    });
    expect(health.issues).toHaveLength(3);
    expect((await queries.health(new Date(T0 + 31 * 60_000))).metrics).toMatchObject({ succeeded: 9, failed: 1, fraudFlagsLastHour: 11 });
  });
});
