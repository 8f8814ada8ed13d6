import type { PoolClient } from 'pg';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { WrongExpectedVersionError } from '../errors';
import { NOT_FIRST_WRITE_SQLSTATE } from './rows';
import { PostgresEventStore } from './postgres-event-store';

const append = (client: PoolClient, streamId: string, id: string, expected: string) =>
  client.query(`SELECT * FROM event_store.append_events($1, $2, $3::jsonb)`, [
    streamId,
    expected,
    JSON.stringify([{ id, type: 'E', data: {} }]),
  ]);

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('event_store.append_events', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  describe('when its transaction already holds an id', () => {
    it('refuses with a clear error and writes nothing', async () => {
      const client = await db.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`CREATE TEMP TABLE scratch (n int) ON COMMIT DROP`);
        await client.query(`INSERT INTO scratch VALUES (1)`);
        const error = await append(client, 'payment-late', uuid(1), 'no_stream').catch((e) => e);
        expect(error).toMatchObject({
          code: NOT_FIRST_WRITE_SQLSTATE,
          message: 'append_events must be the first write of its transaction',
        });
        expect(error.detail).toMatch(/already holds an id.*payment-late/);
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
      expect(await new PostgresEventStore(db.pool).readStream('payment-late')).toEqual([]);
    });

    it('refuses a second append in the same transaction', async () => {
      const client = await db.pool.connect();
      try {
        await client.query('BEGIN');
        await append(client, 'payment-one', uuid(2), 'no_stream');
        await expect(append(client, 'payment-two', uuid(3), 'no_stream')).rejects.toMatchObject({ code: NOT_FIRST_WRITE_SQLSTATE });
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
    });
  });

  describe('when a transaction took its id before another appended to the same stream', () => {
    it('keeps $all order equal to per-stream order (the early transaction cannot append revision 1 under a smaller id)', async () => {
      const store = new PostgresEventStore(db.pool);
      const early = await db.pool.connect();
      try {
        await early.query('BEGIN');
        // Takes a transaction id now, before the other append below takes its own (larger) one.
        await early.query('SELECT pg_current_xact_id()');
        await store.appendToStream('payment-race', [{ type: 'First', data: {} }], 'no_stream');
        await expect(append(early, 'payment-race', uuid(4), '0')).rejects.toMatchObject({ code: NOT_FIRST_WRITE_SQLSTATE });
        await early.query('ROLLBACK');
      } finally {
        early.release();
      }
      await store.appendToStream('payment-race', [{ type: 'Second', data: {} }], 0n);
      const all = (await store.readAll()).filter((e) => e.streamId === 'payment-race');
      expect(all.map((e) => [e.type, e.revision])).toEqual([
        ['First', 0n],
        ['Second', 1n],
      ]);
    });

    it('keeps $all order equal to per-stream order under concurrent appends to one stream', async () => {
      const store = new PostgresEventStore(db.pool);
      const writers = Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < 10; i++) {
          for (;;) {
            const [last] = await store.readStream('payment-busy', { direction: 'backwards', maxCount: 1 });
            const expected = last ? last.revision : 'no_stream';
            const conflict = await store.appendToStream('payment-busy', [{ type: `W${w}`, data: { i } }], expected).then(
              () => false,
              (error) => {
                if (error instanceof WrongExpectedVersionError) return true;
                throw error;
              },
            );
            if (!conflict) break;
          }
        }
      });
      await Promise.all(writers);
      const all = (await store.readAll({ maxCount: 10_000 })).filter((e) => e.streamId === 'payment-busy');
      expect(all).toHaveLength(80);
      expect(all.map((e) => e.revision)).toEqual(Array.from({ length: 80 }, (_, i) => BigInt(i)));
    });
  });
});
