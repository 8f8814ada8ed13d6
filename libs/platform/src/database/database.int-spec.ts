import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';

const ROOT = join(__dirname, '..', '..', '..', '..');

/**
 * Issue 16 (chaos, seed 1): a projector restarted during a PostgreSQL stop died of "Unhandled 'error' event"
 * on a client it had checked out (its advisory-lock attempt). Run in a child process: an unhandled 'error'
 * event ends the process, which the child's exit code shows without taking the test runner with it.
 */
describe('createPool: a checked-out client whose session the server ends', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(4);
  });
  afterAll(() => db.drop());

  it('does not crash the process; its query fails as unavailable and the pool serves the next one', () => {
    const script = `
      const { Client } = require('pg');
      const { createPool } = require(${JSON.stringify(join(ROOT, 'libs/platform/src/database/database.ts'))});
      const { isDatabaseUnavailable } = require(${JSON.stringify(join(ROOT, 'libs/platform/src/database/unavailable.ts'))});
      (async () => {
        const pool = createPool(process.env.DB_URL, { max: 1 });
        const admin = new Client({ connectionString: process.env.DB_URL });
        await admin.connect();
        const client = await pool.connect();
        const { rows: [{ pid }] } = await client.query('SELECT pg_backend_pid() AS pid');
        const ended = new Promise((resolve) => client.once('end', resolve));
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        // The server's error reaches the client before its end: from here, an unheard 'error' would have crashed us.
        await ended;
        const failed = await client.query('SELECT 1').then(() => 'answered', (error) => isDatabaseUnavailable(error) ? 'unavailable' : String(error));
        client.release();
        const { rows: [{ one }] } = await pool.query('SELECT 1 AS one');
        process.stdout.write(JSON.stringify({ failed, one }));
        await admin.end();
        await pool.end();
      })().catch((error) => { process.stderr.write(String(error)); process.exit(3); });
    `;
    const child = spawnSync(process.execPath, ['--require', join(ROOT, 'test/support/swc-register.js'), '-e', script], {
      env: { ...process.env, DB_URL: db.url },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect({ status: child.status, stderr: child.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(child.stdout)).toEqual({ failed: 'unavailable', one: 1 });
  });
});
