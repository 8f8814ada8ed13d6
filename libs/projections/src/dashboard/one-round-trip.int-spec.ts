import type { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { DashboardQueries } from './dashboard-queries';
import { OneRoundTrip } from './one-round-trip';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

/** The pool, counting the queries sent to it (each one round trip). */
function counted(pool: Pool): { pool: Pool; sent: () => number } {
  let sent = 0;
  const query = ((...args: Parameters<Pool['query']>) => {
    sent++;
    return (pool.query as (...a: unknown[]) => unknown)(...args);
  }) as Pool['query'];
  return { pool: Object.assign(Object.create(pool) as Pool, { query }), sent: () => sent };
}

const ECHO = `SELECT $1::text AS s, $2::int AS n, $3::timestamptz AS at, $4::text[] AS texts, $5::bigint[] AS amounts, $6::text IS NULL AS missing, $7::boolean AS flag`;
const VALUES = [
  `it's a \\ back'slash "quote"`,
  42,
  new Date('2026-12-07T12:34:56.789Z'),
  ['a,b', 'c"d', 'e\\f', null, '{x}'],
  ['9007199254740993', '-1'],
  null,
  true,
];

describe('OneRoundTrip', () => {
  it('sends the queries of a read as one round trip, each answered as the pool answers it alone', async () => {
    const { pool, sent } = counted(db.pool);
    const [echo, limited, grouped] = await OneRoundTrip.read(pool, (trip) =>
      Promise.all([
        trip.query(ECHO, VALUES),
        trip.query(`SELECT g FROM generate_series(1, 10) g ORDER BY g LIMIT $1`, [3]),
        trip.query({ text: `SELECT count(*) AS n, $1::text AS label FROM generate_series(1, 5)`, values: ['five'] }),
      ]),
    );
    expect(sent()).toBe(1);
    const alone = await db.pool.query(ECHO, VALUES);
    expect(echo.rows).toEqual(alone.rows);
    expect(echo.rows[0]).toMatchObject({ s: VALUES[0], n: 42, texts: VALUES[3], amounts: VALUES[4], missing: true, flag: true });
    expect(limited.rows.map((r) => r.g)).toEqual([1, 2, 3]);
    expect(grouped.rows).toEqual([{ n: '5', label: 'five' }]);
  });

  it('gives a failing query its own error: the batch is rerun query by query', async () => {
    const [good, bad] = await OneRoundTrip.read(db.pool, (trip) =>
      Promise.allSettled([trip.query(`SELECT 1 AS one`), trip.query(`SELECT 1 / $1::int AS boom`, [0])]),
    );
    expect(good).toMatchObject({ status: 'fulfilled', value: { rows: [{ one: 1 }] } });
    expect(bad).toMatchObject({ status: 'rejected', reason: { code: '22012' } });
  });

  it('sends a query issued after the round trip (one depending on another) to the pool directly', async () => {
    const second = await OneRoundTrip.read(db.pool, async (trip) => {
      const first = await trip.query(`SELECT 2 AS n`);
      return trip.query(`SELECT $1::int * 10 AS n`, [first.rows[0].n]);
    });
    expect(second.rows).toEqual([{ n: 20 }]);
  });

  it('reads GET /v1/dashboard/payments in one round trip, the same parts as queried one by one', async () => {
    await db.pool.query(
      `INSERT INTO read_models.error_counts (provider, currency, error_code, failures) VALUES ('stripe', 'USD', 'card_declined', 3)`,
    );
    const { pool, sent } = counted(db.pool);
    const clock = () => new Date('2026-12-07T12:00:00Z');
    const filter = { provider: 'stripe' } as const;
    const one = await new DashboardQueries(pool, { suspiciousAmounts: { USD: 1000 }, clock }).payments(filter);
    expect(sent()).toBe(1);
    const queries = new DashboardQueries(db.pool, { suspiciousAmounts: { USD: 1000 }, clock });
    expect(one).toEqual({
      metrics: await queries.metrics(filter),
      breakdown: await queries.breakdown(filter),
      volumeOverTime: await queries.volumeOverTime({ ...filter, granularity: 'day' }),
      recentEvents: await queries.recentEvents(50, filter),
      failedPayments: await queries.failedPayments(20, filter),
      errors: await queries.errors(filter),
      health: await queries.health(clock(), filter),
    });
    expect(one.errors).toEqual([expect.objectContaining({ count: 3 })]);
  });
});
