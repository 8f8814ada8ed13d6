import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, testServices, type TestDatabase } from '@ledger/testing';
import { migrations } from '../../../../migrations';
import { withDatabase } from './database';

const ROOT = join(__dirname, '..', '..', '..', '..');

/** runMigrations in a child process of its own (a clean module cache): what it applied, and whether TypeORM loaded. */
function migrateInChild(url: string): { applied: string[]; typeormLoaded: boolean } {
  const script = `
    const { runMigrations } = require(${JSON.stringify(join(ROOT, 'libs/platform/src/database/database.ts'))});
    runMigrations(process.env.DB_URL).then((applied) => {
      const typeormLoaded = Object.keys(require.cache).some((file) => file.includes('/node_modules/typeorm/'));
      process.stdout.write(JSON.stringify({ applied, typeormLoaded }));
    }, (error) => { process.stderr.write(String(error)); process.exit(3); });
  `;
  const child = spawnSync(process.execPath, ['--require', join(ROOT, 'test/support/swc-register.js'), '-e', script], {
    env: { ...process.env, DB_URL: url },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (child.status !== 0) throw new Error(`runMigrations failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as { applied: string[]; typeormLoaded: boolean };
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: testServices().pgUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Issue 33 (API RSS): TypeORM stays out of a process whose database is migrated already (npm start's apps). */
describe('runMigrations', () => {
  let migrated: TestDatabase;
  const empty = `t_${randomBytes(6).toString('hex')}`;
  beforeAll(async () => {
    migrated = await createTestDatabase(2);
    await admin(`CREATE DATABASE ${empty}`);
  });
  afterAll(async () => {
    await migrated.drop();
    await admin(`DROP DATABASE IF EXISTS ${empty} WITH (FORCE)`);
  });

  it('applies every migration to an empty database, through TypeORM', () => {
    const result = migrateInChild(withDatabase(testServices().pgUrl, empty));
    expect(result.applied).toEqual(migrations.map((Migration) => new Migration().name));
    expect(result.typeormLoaded).toBe(true);
  });

  it('applies nothing to a migrated database, and never loads TypeORM', () => {
    expect(migrateInChild(migrated.url)).toEqual({ applied: [], typeormLoaded: false });
  });

  it('still migrates when one migration is missing from the table', async () => {
    const last = new migrations[migrations.length - 1]().name;
    await migrated.pool.query('DELETE FROM migrations WHERE name = $1', [last]);
    // The last migration then runs again on its own tables: TypeORM is what answers, with its error or its list.
    const child = (() => {
      try {
        return migrateInChild(migrated.url);
      } catch (error) {
        return { error: (error as Error).message };
      }
    })();
    expect('error' in child || (child as { typeormLoaded: boolean }).typeormLoaded).toBe(true);
  });
});
