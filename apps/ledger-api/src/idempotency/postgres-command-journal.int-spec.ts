import { PostgresEventStore, WrongExpectedVersionError } from '@ledger/event-store';
import type { KeyedRecord } from '@ledger/payments-app';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { IdempotencyRepository } from './idempotency.repository';
import { KeyNotRunnable, PostgresCommandJournal } from './postgres-command-journal';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const record = (key: string, requestHash = 'h1'): KeyedRecord => ({
  key: { namespace: 'key-1', key },
  requestHash,
  seal: async (value) => ({ status: 201, body: JSON.stringify(value) }),
  claimed: false,
  recorded: false,
});

describe('PostgresCommandJournal', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let journal: PostgresCommandJournal;
  const row = async (key: string) =>
    (await db.pool.query(`SELECT status, response_body FROM ledger.idempotency_keys WHERE key = $1`, [key])).rows[0];

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool);
    journal = new PostgresCommandJournal(db.pool, store, new IdempotencyRepository(db.pool, 60_000));
  });
  afterAll(() => db.drop());

  it('claims the key and reads the stream in one call, and refuses the key to a second request', async () => {
    await store.appendToStream('payment-j1', [{ eventId: uuid(1), type: 'PaymentCreated', data: {} }], 'no_stream');
    const first = record('k1');
    expect((await journal.claimAndRead('payment-j1', first)).map((e) => e.eventId)).toEqual([uuid(1)]);
    expect(first.claimed).toBe(true);
    expect(await row('k1')).toMatchObject({ status: 'in_flight' });
    await expect(journal.claimAndRead('payment-j1', record('k1'))).rejects.toMatchObject({ begin: { kind: 'in_flight' } });
    await expect(journal.claimAndRead('payment-j1', record('k1', 'h2'))).rejects.toBeInstanceOf(KeyNotRunnable);
    expect(await journal.claimAndRead('payment-none', record('k0'))).toEqual([]);
  });

  it('stores the events and the response in one call', async () => {
    const keyed = record('k2');
    await journal.claimAndRead('payment-j2', keyed);
    const events = [{ eventId: uuid(2), type: 'PaymentCreated', data: { amount: 5 } }];
    const result = await journal.appendAndRecord('payment-j2', events, 'no_stream', keyed, { status: 201, body: '{"paid":5}' });
    expect(result.nextExpectedRevision).toBe(0n);
    expect(keyed.recorded).toBe(true);
    expect(await row('k2')).toEqual({ status: 'done', response_body: '{"paid":5}' });
    await expect(journal.claimAndRead('payment-j2', record('k2'))).rejects.toMatchObject({
      begin: { kind: 'replay', status: 201, body: '{"paid":5}' },
    });
  });

  it('stores neither when the append loses its race', async () => {
    const keyed = record('k3');
    await journal.claimAndRead('payment-j3', keyed);
    await store.appendToStream('payment-j3', [{ eventId: uuid(3), type: 'PaymentCreated', data: {} }], 'no_stream');
    const late = [{ eventId: uuid(4), type: 'PaymentCreated', data: {} }];
    await expect(journal.appendAndRecord('payment-j3', late, 'no_stream', keyed, { status: 201, body: '{}' })).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    expect(await row('k3')).toEqual({ status: 'in_flight', response_body: null });
    expect((await store.readStream('payment-j3')).map((e) => e.eventId)).toEqual([uuid(3)]);
  });
});
