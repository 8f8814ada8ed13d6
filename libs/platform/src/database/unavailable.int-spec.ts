import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { freePort } from '../embedded/ports';
import { createPool } from './database';
import { withTransaction } from './transaction';
import { isDatabaseUnavailable } from './unavailable';

/** Issue 16 (chaos): PostgreSQL stopped under the API answered 500; these are the driver's real errors for an outage. */
describe('isDatabaseUnavailable, on what node-postgres really throws', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(4);
  });
  afterAll(() => db.drop());

  const errorOf = async (run: () => Promise<unknown>): Promise<unknown> => {
    try {
      await run();
    } catch (error) {
      return error;
    }
    throw new Error('expected an error');
  };

  it('is true when nothing listens (a stopped server)', async () => {
    const url = new URL(db.url);
    url.port = String(await freePort());
    const pool = createPool(url.toString(), { max: 1, connectionTimeoutMillis: 2_000 });
    try {
      expect(isDatabaseUnavailable(await errorOf(() => pool.query('SELECT 1')))).toBe(true);
    } finally {
      await pool.end();
    }
  });

  it('is true when the server ends the session under a transaction (pg_ctl stop -m immediate, a restart)', async () => {
    const pool = createPool(db.url, { max: 1, application_name: 'unavailable-spec' });
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      const error = await errorOf(() =>
        withTransaction(pool, async (tx) => {
          await tx.query('SELECT 1');
          await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'unavailable-spec'`);
          await tx.query('SELECT 1');
        }),
      );
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await admin.end();
      await pool.end();
    }
  });

  it('is false for a statement the server refused', async () => {
    expect(isDatabaseUnavailable(await errorOf(() => db.pool.query('SELEC 1')))).toBe(false);
    expect(isDatabaseUnavailable(await errorOf(() => db.pool.query('SELECT 1/0')))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
