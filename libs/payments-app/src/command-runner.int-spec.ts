import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@ledger/event-store';
import type { PaymentCommand } from '@ledger/payments-domain';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { PaymentCommandRunner, type CommandContext } from './command-runner';
import { deterministicUuid } from './deterministic-uuid';

let db: TestDatabase;
let store: PostgresEventStore;
let runner: PaymentCommandRunner;
beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore(db.pool, { pollIntervalMs: 10 });
  runner = new PaymentCommandRunner(store);
});
afterAll(() => db.drop());

const now = new Date('2026-01-01T00:00:00Z');
const ctx = (key?: string): CommandContext => ({
  actor: 'key_1',
  correlationId: 'corr',
  causationId: 'req',
  idempotency: key === undefined ? undefined : { namespace: 'key_1', key },
});
const create = (paymentId: string): PaymentCommand => ({
  type: 'CreatePayment',
  data: { paymentId, provider: 'stripe', amount: 1000, currency: 'USD' },
  now,
});
const process = (paymentId: string): PaymentCommand => ({ type: 'StartProcessing', data: { paymentId }, now });

describe('PaymentCommandRunner', () => {
  it('appends the decided events with the metadata of the context', async () => {
    const id = randomUUID();
    const outcome = await runner.run(create(id), { ...ctx('k1'), sourceIp: '10.0.0.9' });
    expect(outcome.appended).toBe(true);
    const [stored] = await store.readStream(`payment-${id}`);
    expect(stored.type).toBe('PaymentCreated');
    expect(stored.metadata).toMatchObject({ actor: 'key_1', idempotencyKey: 'k1', sourceIp: '10.0.0.9', schemaVersion: 1 });
  });

  it('appends nothing when the same keyed command runs again, also after the stream moved on', async () => {
    const id = randomUUID();
    await runner.run(create(id), ctx('create'));
    await runner.run(process(id), ctx('process'));
    const again = await runner.run(create(id), ctx('create'));
    expect(again.appended).toBe(false);
    expect(await store.readStream(`payment-${id}`)).toHaveLength(2);
  });

  it('runs a different command under the same key (ids include the command)', async () => {
    const id = randomUUID();
    await runner.run(create(id), ctx('shared'));
    const processed = await runner.run(process(id), ctx('shared'));
    expect(processed.appended).toBe(true);
    expect((await store.readStream(`payment-${id}`)).map((e) => e.type)).toEqual(['PaymentCreated', 'PaymentProcessing']);
  });

  it('recognises an event appended under the first id scheme, but only for the command that wrote it', async () => {
    const id = randomUUID();
    const streamId = `payment-${id}`;
    const legacyId = deterministicUuid('key_1', 'old-key', streamId, '0');
    await store.appendToStream(streamId, [{ eventId: legacyId, type: 'PaymentCreated', data: create(id).data, metadata: {} }], 'no_stream');
    expect((await runner.run(create(id), ctx('old-key'))).appended).toBe(false);
    expect((await runner.run(process(id), ctx('old-key'))).appended).toBe(true);
    expect(await store.readStream(streamId)).toHaveLength(2);
  });

  it('lets exactly one of many racing refunds of the whole amount win', async () => {
    const id = randomUUID();
    await runner.run(create(id), ctx());
    await runner.run(process(id), ctx());
    await runner.run({ type: 'MarkPaymentSucceeded', data: { paymentId: id }, now }, ctx());
    const refund = (n: number): PaymentCommand => ({
      type: 'RefundPayment',
      data: { paymentId: id, refundId: `r${n}`, amount: 1000 },
      now,
    });
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, n) => runner.run(refund(n), ctx(`refund-${n}`))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await store.readStream(`payment-${id}`)).filter((e) => e.type === 'PaymentRefunded')).toHaveLength(1);
  });

  it('loads a stream that does not exist as empty', async () => {
    const loaded = await runner.load(randomUUID());
    expect(loaded.history).toEqual([]);
    expect(loaded.expected).toBe('no_stream');
  });
});
