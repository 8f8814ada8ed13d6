import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { createPool } from '@ledger/platform';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { WrongExpectedVersionError } from '../errors';
import { createIdempotencyLog } from '../idempotency/create-idempotency-log';
import { NOT_FIRST_WRITE_SQLSTATE } from './rows';
import { APPEND_BATCH_BYTES, PostgresEventStore } from './postgres-event-store';

const batch = (client: PoolClient, items: { stream: string; expected: string; id?: string }[]) =>
  client.query(`SELECT * FROM ledger.append_and_record_batch($1::jsonb) ORDER BY item`, [
    JSON.stringify(
      items.map((i) => ({ stream: i.stream, expected: i.expected, events: [{ id: i.id ?? randomUUID(), type: 'E', data: {} }] })),
    ),
  ]);

describe('coalesced appends (ledger.append_and_record_batch)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('appends concurrent appends to many streams in one transaction, one result per stream', async () => {
    const store = new PostgresEventStore(db.pool);
    const streams = Array.from({ length: 10 }, (_, i) => `payment-many-${i}`);
    const results = await Promise.all(
      streams.map((s) =>
        store.appendToStream(
          s,
          [
            { type: 'A', data: {} },
            { type: 'B', data: {} },
          ],
          'no_stream',
        ),
      ),
    );
    expect(results.map((r) => r.nextExpectedRevision)).toEqual(streams.map(() => 1n));
    // One commit: every stream's events carry one transaction id, each result its own stream's last position.
    expect(new Set(results.map((r) => r.position.commit)).size).toBe(1);
    for (const [i, s] of streams.entries()) {
      const events = await store.readStream(s);
      expect(events.map((e) => e.type)).toEqual(['A', 'B']);
      expect(events[1].position).toEqual(results[i].position);
    }
  });

  it('sends heavy appends arriving together as several statements, each within APPEND_BATCH_BYTES, every event stored', async () => {
    const store = new PostgresEventStore(db.pool);
    // Five appends of about 40 % of the bound each (an import's payouts): at most two share a statement.
    const text = 'x'.repeat(Math.floor(APPEND_BATCH_BYTES * 0.4));
    const streams = Array.from({ length: 5 }, (_, i) => `payout-heavy-${i}`);
    const results = await Promise.all(streams.map((s) => store.appendToStream(s, [{ type: 'Lines', data: { text } }], 'no_stream')));
    const commits = results.map((r) => r.position.commit);
    const perCommit = [...new Set(commits)].map((c) => commits.filter((x) => x === c).length);
    expect(perCommit.every((n) => n <= 2)).toBe(true);
    expect(perCommit.length).toBeGreaterThanOrEqual(3);
    for (const s of streams)
      expect((await store.readStream(s)).map((e) => (e.data as { text: string }).text.length)).toEqual([text.length]);
    // One append over the bound still goes, on its own.
    const huge = await store.appendToStream('payout-huge', [{ type: 'Lines', data: { text: text + text + text } }], 'no_stream');
    expect(huge.nextExpectedRevision).toBe(0n);
  });

  it('fails only the append whose expected revision is wrong, with its actual revision', async () => {
    const store = new PostgresEventStore(db.pool);
    await store.appendToStream('payment-conflict', [{ type: 'A', data: {} }], 'no_stream');
    const [ok, conflict, fresh] = await Promise.allSettled([
      store.appendToStream('payment-ok', [{ type: 'A', data: {} }], 'no_stream'),
      store.appendToStream('payment-conflict', [{ type: 'B', data: {} }], 'no_stream'),
      store.appendToStream('payment-fresh', [{ type: 'A', data: {} }], 'no_stream'),
    ]);
    expect(ok).toMatchObject({ status: 'fulfilled' });
    expect(fresh).toMatchObject({ status: 'fulfilled' });
    // Checked inside the batch (no exception, no rerun): the other two still share its one commit.
    const commits = [ok, fresh].map((r) => (r as PromiseFulfilledResult<{ position: { commit: bigint } }>).value.position.commit);
    expect(commits[0]).toBe(commits[1]);
    expect(conflict).toMatchObject({ status: 'rejected', reason: expect.any(WrongExpectedVersionError) });
    expect((conflict as PromiseRejectedResult).reason).toMatchObject({ streamId: 'payment-conflict', actual: 0n, expected: 'no_stream' });
    expect(await store.readStream('payment-conflict')).toHaveLength(1);
    expect(await store.readStream('payment-ok')).toHaveLength(1);
  });

  it('keeps per-stream order: two appends to one stream submitted together both land, the second after the first', async () => {
    const store = new PostgresEventStore(db.pool);
    const [first, second] = await Promise.all([
      store.appendToStream('payment-twice', [{ type: 'First', data: {} }], 'no_stream'),
      store.appendToStream('payment-twice', [{ type: 'Second', data: {} }], 0n),
    ]);
    expect([first.nextExpectedRevision, second.nextExpectedRevision]).toEqual([0n, 1n]);
    expect(second.position.commit).toBeGreaterThan(first.position.commit);
    expect((await store.readStream('payment-twice')).map((e) => e.type)).toEqual(['First', 'Second']);
  });

  it('re-appends the same event ids as a no-op inside a batch (a retry after a lost answer)', async () => {
    const store = new PostgresEventStore(db.pool);
    const id = randomUUID();
    const first = await store.appendToStream('payment-retry', [{ eventId: id, type: 'A', data: {} }], 'no_stream');
    const [again] = await Promise.all([
      store.appendToStream('payment-retry', [{ eventId: id, type: 'A', data: {} }], 'no_stream'),
      store.appendToStream('payment-retry-other', [{ type: 'A', data: {} }], 'no_stream'),
    ]);
    expect(again).toEqual(first);
    expect(await store.readStream('payment-retry')).toHaveLength(1);
  });

  it('gives an append whose event id another stream holds its own error; the batch rerun alone appends the others', async () => {
    const store = new PostgresEventStore(db.pool);
    const taken = randomUUID();
    await store.appendToStream('payment-owner', [{ eventId: taken, type: 'A', data: {} }], 'no_stream');
    const [thief, bystander] = await Promise.allSettled([
      store.appendToStream('payment-thief', [{ eventId: taken, type: 'A', data: {} }], 'no_stream'),
      store.appendToStream('payment-bystander', [{ type: 'A', data: {} }], 'no_stream'),
    ]);
    expect(thief).toMatchObject({ status: 'rejected', reason: { code: '23505' } });
    expect(bystander).toMatchObject({ status: 'fulfilled' });
    expect(await store.readStream('payment-bystander')).toHaveLength(1);
    expect(await store.readStream('payment-thief')).toEqual([]);
  });

  it('stores each claimed key its own answer in the same commit, and claims many keys in one statement', async () => {
    const store = new PostgresEventStore(db.pool);
    const claims = createPool(db.url, { max: 2 });
    const log = createIdempotencyLog(store, claims, 60_000);
    try {
      const keys = ['k1', 'k2', 'k3'].map((key) => ({ namespace: 'key_batch', key, requestHash: `h-${key}` }));
      const claimed = await Promise.all(keys.map((claim, i) => log.claimAndRead(`payment-keyed-${i}`, claim)));
      expect(claimed.map((c) => c.kind)).toEqual(['claimed', 'claimed', 'claimed']);
      // The same key again while the first is in flight; and another body under a key (422 upstream).
      await expect(log.claimAndRead('payment-keyed-0', keys[0])).resolves.toEqual({ kind: 'in_flight' });
      await expect(log.claimAndRead('payment-keyed-0', { ...keys[1], requestHash: 'other' })).resolves.toEqual({ kind: 'reused' });
      const appended = await Promise.allSettled(
        keys.map((claim, i) =>
          log.appendAndRecord(`payment-keyed-${i}`, [{ type: 'A', data: {} }], i === 1 ? 5n : 'no_stream', claim, {
            status: 201,
            body: `{"n":${i}}`,
          }),
        ),
      );
      expect(appended.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      // The conflicted one recorded nothing and stays in flight; the others replay their own answers.
      await expect(log.claimAndRead('payment-keyed-0', keys[0])).resolves.toEqual({
        kind: 'replay',
        answer: { status: 201, body: '{"n":0}' },
      });
      await expect(log.claimAndRead('payment-keyed-1', keys[1])).resolves.toEqual({ kind: 'in_flight' });
      await expect(log.claimAndRead('payment-keyed-2', keys[2])).resolves.toEqual({
        kind: 'replay',
        answer: { status: 201, body: '{"n":2}' },
      });
      // Two requests under one key at once: exactly one claims it.
      const twin = { namespace: 'key_batch', key: 'twin', requestHash: 'h' };
      const both = await Promise.all([log.claimAndRead('payment-twin', twin), log.claimAndRead('payment-twin', twin)]);
      expect(both.map((c) => c.kind).sort()).toEqual(['claimed', 'in_flight']);
    } finally {
      await log.close();
    }
  });

  it('reads streams arriving together in one statement, each read with its own bounds', async () => {
    const store = new PostgresEventStore(db.pool);
    await store.appendToStream(
      'payment-read-a',
      ['A0', 'A1', 'A2'].map((type) => ({ type, data: {} })),
      'no_stream',
    );
    await store.appendToStream('payment-read-b', [{ type: 'B0', data: {} }], 'no_stream');
    let statements = 0;
    const counting = Object.assign(Object.create(db.pool) as typeof db.pool, {
      query: (...args: unknown[]) => {
        statements++;
        return (db.pool.query as (...a: unknown[]) => unknown).apply(db.pool, args);
      },
    });
    const reads = new PostgresEventStore(counting);
    const [whole, first, tail, other, none, backwards] = await Promise.all([
      reads.readStream('payment-read-a'),
      reads.readStream('payment-read-a', { maxCount: 1 }),
      reads.readStream('payment-read-a', { fromRevision: 1n }),
      reads.readStream('payment-read-b'),
      reads.readStream('payment-read-none'),
      reads.readStream('payment-read-a', { direction: 'backwards', maxCount: 1 }),
    ]);
    // Five forward reads in one statement; the backward read alone.
    expect(statements).toBe(2);
    expect(whole.map((e) => e.type)).toEqual(['A0', 'A1', 'A2']);
    expect(first.map((e) => e.type)).toEqual(['A0']);
    expect(tail.map((e) => e.type)).toEqual(['A1', 'A2']);
    expect(other.map((e) => e.type)).toEqual(['B0']);
    expect(none).toEqual([]);
    expect(backwards.map((e) => e.type)).toEqual(['A2']);
    expect(whole).toEqual(await new PostgresEventStore(db.pool, { coalesce: false }).readStream('payment-read-a'));
  });

  it('looks up the hashes stored for many Idempotency-Keys in one statement, each its own (none for an expired one)', async () => {
    const claims = createPool(db.url, { max: 2 });
    const log = createIdempotencyLog(new PostgresEventStore(db.pool), claims, 60_000);
    try {
      await claims.query(
        `INSERT INTO ledger.idempotency_keys (api_key_id, key, request_hash, status, expires_at)
         VALUES ('key_hash', 'live', 'h-live', 'in_flight', now() + interval '1 hour'),
                ('key_hash', 'old', 'h-old', 'in_flight', now() - interval '1 second')`,
      );
      const hashes = await Promise.all(['live', 'old', 'never'].map((key) => log.storedRequestHash({ namespace: 'key_hash', key })));
      expect(hashes).toEqual(['h-live', undefined, undefined]);
    } finally {
      await log.close();
    }
  });

  describe('the first-write rule (LE428) for a batch', () => {
    it('refuses when its transaction already holds an id, and writes nothing', async () => {
      const client = await db.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT pg_current_xact_id()`);
        await expect(
          batch(client, [
            { stream: 'payment-late-a', expected: 'no_stream' },
            { stream: 'payment-late-b', expected: 'no_stream' },
          ]),
        ).rejects.toMatchObject({
          code: NOT_FIRST_WRITE_SQLSTATE,
          message: 'append_and_record_batch must be the first write of its transaction',
        });
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
      expect(await new PostgresEventStore(db.pool).readStream('payment-late-a')).toEqual([]);
    });

    it('takes every stream lock, in ascending key order, before its first write (no id while it waits)', async () => {
      const { rows } = await db.pool.query<{ s: string; h: string }>(
        `SELECT s, hashtextextended(s, 0)::text AS h FROM unnest(ARRAY['payment-lock-a', 'payment-lock-b']) s ORDER BY hashtextextended(s, 0)`,
      );
      const [low, high] = rows;
      const holder = await db.pool.connect();
      const batcher = await db.pool.connect();
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT pg_advisory_xact_lock($1::bigint)`, [high.h]);
        const pid = (await batcher.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
        // Given high first: a batch locking in the given order would hold nothing while it waits.
        const running = batch(batcher, [
          { stream: high.s, expected: 'no_stream' },
          { stream: low.s, expected: 'no_stream' },
        ]);
        const waiting = async () => {
          for (;;) {
            const { rows: state } = await db.pool.query<{ waiting: boolean; held: string[]; xid: string | null }>(
              `SELECT bool_or(NOT l.granted) AS waiting,
                      array_agg(((l.classid::bigint << 32) | l.objid::bigint)::text) FILTER (WHERE l.granted AND l.locktype = 'advisory') AS held,
                      (SELECT backend_xid::text FROM pg_stat_activity WHERE pid = $1) AS xid
                 FROM pg_locks l WHERE l.pid = $1 AND l.locktype = 'advisory'`,
              [pid],
            );
            if (state[0]?.waiting) return state[0];
            await new Promise((resolve) => setImmediate(resolve));
          }
        };
        const state = await waiting();
        expect(state.xid).toBeNull();
        expect(state.held?.map((h) => BigInt.asUintN(64, BigInt(h)))).toEqual([BigInt.asUintN(64, BigInt(low.h))]);
        await holder.query('COMMIT');
        const { rows: results } = await running;
        expect(results.map((r: { actual: string | null }) => r.actual)).toEqual([null, null]);
      } finally {
        holder.release();
        batcher.release();
      }
    });
  });
});
