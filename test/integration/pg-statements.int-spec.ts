import { rmSync } from 'node:fs';
import { Pool } from 'pg';
import { PG_STATEMENTS_SETTINGS, PostgresStatements } from '../bench/pg-statements';
import { freshServer, tempDataDir } from '../e2e/cli/support/embedded-data-dir';

/** bench:system's BENCH_PG_STATEMENTS: the embedded PostgreSQL started with extra settings, and its profile by statement. */
describe('PostgreSQL profiled by statement', () => {
  let dir: string;
  let pg: { url: string; stop(): Promise<void> };
  let pool: Pool;

  beforeAll(async () => {
    dir = tempDataDir('ledger-pg-statements-');
    pg = await freshServer(dir, { ...PG_STATEMENTS_SETTINGS, work_mem: '7MB' });
    pool = new Pool({ connectionString: pg.url, max: 2 });
  }, 120_000);

  afterAll(async () => {
    await pool?.end();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the server with the settings given', async () => {
    const { rows } = await pool.query<{ libs: string; work_mem: string }>(
      `SELECT current_setting('shared_preload_libraries') AS libs, current_setting('work_mem') AS work_mem`,
    );
    expect(rows[0]).toEqual({ libs: 'pg_stat_statements', work_mem: '7MB' });
  });

  it('reports what ran since the reset, per command', async () => {
    const statements = new PostgresStatements(pool);
    await pool.query('CREATE TABLE IF NOT EXISTS t (k int PRIMARY KEY, v text)');
    await pool.query('INSERT INTO t VALUES ($1, $2)', [0, 'before the reset']);
    await statements.reset();
    for (let k = 1; k <= 40; k++) await pool.query('INSERT INTO t VALUES ($1, $2)', [k, 'x'.repeat(100)]);
    for (let k = 1; k <= 10; k++) await pool.query('SELECT v || $2 FROM t WHERE k = $1', [k, '!']);

    const lines = await statements.report(20);

    expect(lines[0]).toMatch(/^\| statement \| nested \| calls per command \|/);
    const insert = lines.find((l) => l.includes('INSERT INTO t VALUES ($1, $2)'));
    // A statement's own `|` is escaped, so it never splits the table's cells.
    const select = lines.find((l) => l.includes('SELECT v \\|\\| $2 FROM t'));
    // 40 inserts and 10 selects over 20 commands; the statement that ran before the reset is not counted twice.
    expect(insert?.split(' | ')[2]).toBe('2.000');
    expect(select?.split(' | ')[2]).toBe('0.500');
    expect(Number(/\| (\d+) \|$/.exec(insert ?? '')?.[1])).toBeGreaterThan(100 / 20);
    expect(lines.some((l) => l.includes('pg_stat_statements'))).toBe(false);
    expect(lines.at(-1)).toMatch(/^top-level statements in all: [\d.]+ ms per command/);
  });
});
