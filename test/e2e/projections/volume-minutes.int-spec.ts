import type { QueryRunner } from 'typeorm';
import { PostgresEventStore } from '@ledger/event-store';
import { queryActivity, queryVolumeOverTime, rebuildProjection } from '@ledger/projections';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { VolumeMinutes1764002300000 } from '../../../migrations/1764002300000-volume-minutes';
import { ledger, project } from '../cli/support/cli';
import { appendWorkload } from './support/workload';

/**
 * Minute volume buckets (`granularity=minute`): the projection writes them for the whole history, the migration
 * fills the history's from the payments read model, a rebuild and `ledger audit verify` compute the same rows
 * from the events, and the dashboard serves only the last 24 hours of them.
 */
describe('volume per minute', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  /** The workload's newest event is about now; its history starts two days back. */
  const start = new Date(Date.now() - 2 * 86_400_000);

  const minuteRows = async () => {
    const read = (table: string, keys: string) =>
      db.pool.query(`SELECT t::text AS row FROM read_models.${table} t WHERE granularity = 'minute' ORDER BY ${keys}`).then((r) => r.rows);
    return {
      buckets: await read('volume_buckets', 'bucket_start, provider, currency'),
      totals: await read('volume_totals', 'bucket_start, currency'),
    };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 10 });
    // Payments spread over the two days (the workload puts each a few minutes after the previous one).
    await appendWorkload(store, { payments: 400, seed: 24, start, concurrency: 4 });
    await project(db.pool, store);
  }, 120_000);

  afterAll(() => db.drop());

  it('adds up, minute by minute, to the hour and day buckets of every provider and currency', async () => {
    const { rows } = await db.pool.query<{ granularity: string; provider: string; currency: string; n: string; v: string }>(
      `SELECT granularity, provider, currency, sum(payments)::text AS n, sum(volume)::text AS v FROM read_models.volume_buckets GROUP BY 1, 2, 3`,
    );
    const by = (g: string) =>
      rows
        .filter((r) => r.granularity === g)
        .map((r) => `${r.provider} ${r.currency} ${r.n} ${r.v}`)
        .sort();
    expect(by('minute').length).toBeGreaterThan(0);
    expect(by('minute')).toEqual(by('hour'));
    expect(by('minute')).toEqual(by('day'));
    const { rows: sub } = await db.pool.query(
      `SELECT 1 FROM read_models.volume_buckets WHERE granularity = 'minute' AND date_trunc('minute', bucket_start) <> bucket_start`,
    );
    expect(sub).toEqual([]);
  });

  it('the migration fills the history from the payments read model with the rows the projection wrote', async () => {
    const projected = await minuteRows();
    await db.pool.query(`DELETE FROM read_models.volume_buckets WHERE granularity = 'minute'`);
    await db.pool.query(`DELETE FROM read_models.volume_totals WHERE granularity = 'minute'`);
    await new VolumeMinutes1764002300000().up({ query: (sql: string) => db.pool.query(sql) } as unknown as QueryRunner);
    expect(await minuteRows()).toEqual(projected);
  });

  it('a rebuild computes the same minute rows, and ledger audit verify agrees (and sees a wrong one)', async () => {
    const projected = await minuteRows();
    await rebuildProjection('ledger', { pool: db.pool, store });
    expect(await minuteRows()).toEqual(projected);
    expect((await ledger(['audit', 'verify'], { DATABASE_URL: db.url })).code).toBe(0);
    await db.pool.query(
      `UPDATE read_models.volume_totals SET payments = payments + 1
        WHERE (granularity, bucket_start, currency) = (SELECT granularity, bucket_start, currency FROM read_models.volume_totals WHERE granularity = 'minute' LIMIT 1)`,
    );
    const broken = await ledger(['audit', 'verify'], { DATABASE_URL: db.url });
    expect(broken.code).toBe(1);
    expect(broken.stdout + broken.stderr).toContain('volume_totals');
    await db.pool.query(
      `UPDATE read_models.volume_totals SET payments = payments - 1
        WHERE (granularity, bucket_start, currency) = (SELECT granularity, bucket_start, currency FROM read_models.volume_totals WHERE granularity = 'minute' LIMIT 1)`,
    );
  });

  it('serves minute buckets and per-minute activity of the last 24 hours only, whatever `from` asks', async () => {
    const { rows } = await db.pool.query<{ last: Date }>(
      `SELECT max(bucket_start) AS last FROM read_models.volume_totals WHERE granularity = 'minute'`,
    );
    const now = new Date(rows[0].last.getTime() + 60_000);
    const dayAgo = now.getTime() - 86_400_000;
    const all = await queryVolumeOverTime(db.pool, { granularity: 'minute', now, from: new Date(0) });
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((b) => Date.parse(b.bucketStart) >= dayAgo)).toBe(true);
    const { rows: older } = await db.pool.query(
      `SELECT 1 FROM read_models.volume_totals WHERE granularity = 'minute' AND bucket_start < $1 LIMIT 1`,
      [new Date(dayAgo)],
    );
    expect(older).toHaveLength(1); // kept in the table, not served
    const lastHour = await queryVolumeOverTime(db.pool, { granularity: 'minute', now, from: new Date(now.getTime() - 3_600_000) });
    expect(lastHour.every((b) => Date.parse(b.bucketStart) >= now.getTime() - 3_600_000)).toBe(true);
    expect(await queryVolumeOverTime(db.pool, { granularity: 'minute', now: new Date(now.getTime() + 2 * 86_400_000) })).toEqual([]);
    // Hours and days are not bounded.
    expect(
      (await queryVolumeOverTime(db.pool, { granularity: 'hour', now, from: new Date(0) })).some((b) => Date.parse(b.bucketStart) < dayAgo),
    ).toBe(true);

    const activity = await queryActivity(db.pool, { now, from: new Date(0) });
    expect(activity.length).toBeGreaterThan(0);
    expect(activity.every((m) => Date.parse(m.minuteStart) >= dayAgo && m.succeeded + m.failed > 0)).toBe(true);
    const stripe = await queryActivity(db.pool, { now, provider: 'stripe' });
    expect(stripe.every((m) => m.provider === 'stripe')).toBe(true);
  });
});
