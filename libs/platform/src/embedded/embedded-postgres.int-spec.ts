import { createTestDatabase, type TestDatabase } from '@ledger/testing';

// The test cluster is the embedded one (test/support/global-setup.ts starts it as `npm start` does).
describe('the embedded PostgreSQL cluster', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(1);
  });
  afterAll(() => db.drop());

  it('compares text with PostgreSQL’s builtin C.UTF-8 (code point order, without the C library’s strcoll)', async () => {
    const { rows } = await db.pool.query<{ provider: string; locale: string; ordered: string[] }>(
      `SELECT datlocprovider AS provider, datlocale AS locale,
              (SELECT array_agg(x ORDER BY x) FROM unnest(ARRAY['b', 'B', 'é', 'a', 'Z', '_']) x) AS ordered
         FROM pg_database WHERE datname = current_database()`,
    );
    expect(rows).toEqual([{ provider: 'b', locale: 'C.UTF-8', ordered: ['B', 'Z', '_', 'a', 'b', 'é'] }]);
  });
});
