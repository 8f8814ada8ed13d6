import { withTransaction } from '@ledger/platform';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { PostgresEventStore } from './postgres-event-store';

describe('PostgresEventStore', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  describe('when appends commit out of sequence order', () => {
    it('holds back later positions until the earlier transaction commits, then delivers both in order', async () => {
      const store = new PostgresEventStore(db.pool);
      await withTransaction(db.pool, async (slow) => {
        // Takes a lower sequence number than the fast append below, but commits after it.
        await slow.query(`SELECT * FROM event_store.append_events('payment-slow', 'no_stream', $1::jsonb)`, [
          JSON.stringify([{ id: '00000000-0000-4000-8000-000000000001', type: 'Slow', data: {} }]),
        ]);
        await store.appendToStream('payment-fast', [{ type: 'Fast', data: {} }], 'no_stream');
        expect(await store.readAll()).toEqual([]);
      });
      const all = await store.readAll();
      expect(all.map((e) => e.type)).toEqual(['Slow', 'Fast']);
    });
  });

  describe('when an event is stored', () => {
    it('cannot be updated or deleted', async () => {
      await expect(db.pool.query(`UPDATE event_store.events SET data = '{}'`)).rejects.toThrow(/append-only/);
      await expect(db.pool.query(`DELETE FROM event_store.events`)).rejects.toThrow(/append-only/);
    });
  });
});
