import { randomUUID } from 'node:crypto';
import { createIdempotencyLog, PostgresEventStore, type IdempotencyLog } from '@ledger/event-store';
import { isDomainError, type PaymentCommand } from '@ledger/payments-domain';
import { createPool } from '@ledger/platform';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import type { CommandContext } from './command-context';
import { PaymentCommandRunner, single, type CommandOutcome } from './command-runner';
import { deterministicUuid } from './deterministic-uuid';
import { IdempotencyKeyInFlight, IdempotencyKeyReused, type KeyedRequest } from './keyed';

let db: TestDatabase;
let store: PostgresEventStore;
let log: IdempotencyLog;
let runner: PaymentCommandRunner;
beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresEventStore(db.pool, { pollIntervalMs: 10 });
  log = createIdempotencyLog(store, createPool(db.url, { max: 4 }), 60_000);
  runner = new PaymentCommandRunner(store, { idempotency: log });
});
afterAll(async () => {
  await log.close();
  await db.drop();
});

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
    expect(outcome.appended).toHaveLength(1);
    const [stored] = await store.readStream(`payment-${id}`);
    expect(stored.type).toBe('PaymentCreated');
    expect(stored.metadata).toMatchObject({ actor: 'key_1', idempotencyKey: 'k1', sourceIp: '10.0.0.9', schemaVersion: 2 });
  });

  it('appends nothing when the same keyed command runs again, also after the stream moved on', async () => {
    const id = randomUUID();
    await runner.run(create(id), ctx('create'));
    await runner.run(process(id), ctx('process'));
    const again = await runner.run(create(id), ctx('create'));
    expect(again.appended).toHaveLength(0);
    expect(await store.readStream(`payment-${id}`)).toHaveLength(2);
  });

  it('runs a different command under the same key (ids include the command)', async () => {
    const id = randomUUID();
    await runner.run(create(id), ctx('shared'));
    const processed = await runner.run(process(id), ctx('shared'));
    expect(processed.appended).toHaveLength(1);
    expect((await store.readStream(`payment-${id}`)).map((e) => e.type)).toEqual(['PaymentCreated', 'PaymentProcessing']);
  });

  it('recognises an event appended under the first id scheme, but only for the command that wrote it', async () => {
    const id = randomUUID();
    const streamId = `payment-${id}`;
    const legacyId = deterministicUuid('key_1', 'old-key', streamId, '0');
    await store.appendToStream(streamId, [{ eventId: legacyId, type: 'PaymentCreated', data: create(id).data, metadata: {} }], 'no_stream');
    expect((await runner.run(create(id), ctx('old-key'))).appended).toHaveLength(0);
    expect((await runner.run(process(id), ctx('old-key'))).appended).toHaveLength(1);
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

  it('runs a plan as one append, each command with its own ids', async () => {
    const id = randomUUID();
    const succeeded: PaymentCommand = { type: 'MarkPaymentSucceeded', data: { paymentId: id }, now };
    const plan = (commands: PaymentCommand[]) => ({
      paymentId: id,
      plan: () => commands,
      contextOf: (command: PaymentCommand) => ctx(`delivery-1#${command.type}`),
    });
    const outcome = await runner.execute(plan([create(id), process(id), succeeded]));
    expect(outcome.appended.map((c) => c.type)).toEqual(['CreatePayment', 'StartProcessing', 'MarkPaymentSucceeded']);
    const stored = await store.readStream(`payment-${id}`);
    expect(stored.map((e) => e.type)).toEqual(['PaymentCreated', 'PaymentProcessing', 'PaymentSucceeded']);
    // One append: one transaction id for the three.
    expect(new Set(stored.map((e) => e.position.commit)).size).toBe(1);
    // The same delivery again: every command's ids are there, nothing appended.
    expect((await runner.execute(plan([create(id), process(id), succeeded]))).appended).toHaveLength(0);
  });

  it('appends what a plan decided before the state machine refused, and reports the refusal', async () => {
    const id = randomUUID();
    const refundTooEarly: PaymentCommand = { type: 'RefundPayment', data: { paymentId: id, refundId: 'r1', amount: 10 }, now };
    const outcome = await runner.execute({ paymentId: id, plan: () => [create(id), refundTooEarly], contextOf: () => ctx() });
    expect(outcome.appended.map((c) => c.type)).toEqual(['CreatePayment']);
    expect(isDomainError(outcome.refused)).toBe(true);
    expect((await store.readStream(`payment-${id}`)).map((e) => e.type)).toEqual(['PaymentCreated']);
    await expect(runner.run(refundTooEarly, ctx())).rejects.toMatchObject({ code: outcome.refused?.code });
  });

  describe('under an Idempotency-Key', () => {
    const keyed = (key: string, requestHash = 'h1'): KeyedRequest => ({
      claim: { namespace: 'key_1', key, requestHash },
      answer: async (outcome: CommandOutcome) => ({ status: 201, body: JSON.stringify({ events: outcome.events.length }) }),
      answerRefusal: (error) => (isDomainError(error) ? { status: 409, body: JSON.stringify({ code: error.code }) } : undefined),
    });

    it('stores the answer with the append and replays it, appending nothing', async () => {
      const id = randomUUID();
      const first = await runner.executeKeyed(single(create(id), ctx('k-create')), keyed('k-create'));
      expect(first.kind).toBe('fresh');
      const again = await runner.executeKeyed(single(create(id), ctx('k-create')), keyed('k-create'));
      expect(again).toEqual({ kind: 'replay', answer: { status: 201, body: '{"events":1}' } });
      expect(await store.readStream(`payment-${id}`)).toHaveLength(1);
    });

    it('refuses the key for another request, and while its first request runs', async () => {
      const id = randomUUID();
      await runner.executeKeyed(single(create(id), ctx('k-bound')), keyed('k-bound'));
      await expect(runner.executeKeyed(single(create(id), ctx('k-bound')), keyed('k-bound', 'h2'))).rejects.toBeInstanceOf(
        IdempotencyKeyReused,
      );
      const running = await log.claimAndRead(`payment-${id}`, { namespace: 'key_1', key: 'k-running', requestHash: 'h1' });
      expect(running.kind).toBe('claimed');
      await expect(runner.executeKeyed(single(process(id), ctx('k-running')), keyed('k-running'))).rejects.toBeInstanceOf(
        IdempotencyKeyInFlight,
      );
    });

    it("keeps a decided refusal's answer for replay, and frees the key after a failure the client should retry", async () => {
      const id = randomUUID();
      await expect(runner.executeKeyed(single(process(id), ctx('k-refused')), keyed('k-refused'))).rejects.toMatchObject({
        code: 'payment_not_found',
      });
      expect(await runner.executeKeyed(single(process(id), ctx('k-refused')), keyed('k-refused'))).toEqual({
        kind: 'replay',
        answer: { status: 409, body: '{"code":"payment_not_found"}' },
      });
      const failing: KeyedRequest = { ...keyed('k-transient'), answer: () => Promise.reject(new Error('disk full')) };
      await expect(runner.executeKeyed(single(create(id), ctx('k-transient')), failing)).rejects.toThrow('disk full');
      expect(await log.peek(failing.claim)).toBeUndefined();
      expect((await runner.executeKeyed(single(create(id), ctx('k-transient')), keyed('k-transient'))).kind).toBe('fresh');
    });
  });
});
