import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PostgresEventStore } from '@ledger/event-store';
import { PaymentCommandRunner } from '@ledger/payments-app';
import { createPool, dataDirHolder, freePort, runMigrations } from '@ledger/platform';
import { DataKeyStore, parseMasterKey, PersonalDataCipher } from '@ledger/security';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { readAllEvents } from '../projections/support/harness';
import { appendWorkload } from '../projections/support/workload';
import { GOOD_SECRETS, ledger, project } from './support/cli';
import { clusterStopped, holdInChild, ledgerProcess, prepareEmbeddedCluster, tempDataDir } from './support/embedded-data-dir';

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

const made: string[] = [];
/** A temp data dir under /tmp, removed after the file's tests. */
const temp = (prefix: string) => {
  const dir = tempDataDir(prefix);
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * The CLI never starts, stops or migrates a database it did not start (issue 25). An embedded cluster is
 * initialised, migrated and given some history, then stopped, as `npm start` leaves it when PostgreSQL is down.
 */
describe('ledger on the embedded data dir', () => {
  let dataDir: string;
  let port: number;
  let events: number;

  beforeAll(async () => {
    dataDir = temp('ledger-cli-embedded-');
    ({ port } = await prepareEmbeddedCluster(dataDir, async (url) => {
      await runMigrations(url);
      const pool = createPool(url, { max: 8 });
      const store = new PostgresEventStore(pool, { pollIntervalMs: 10 });
      try {
        await appendWorkload(store, { payments: 20, seed: 25, concurrency: 4 });
        await project(pool, store);
        events = (await readAllEvents(store)).length;
      } finally {
        await store.close();
        await pool.end();
      }
    }));
    expect(await clusterStopped(dataDir, port)).toBe(true);
  }, 180_000);

  describe('while a live process holds the data dir and its PostgreSQL is down', () => {
    let holder: { pid: number; release(): Promise<void> };

    beforeAll(async () => {
      holder = await holdInChild(dataDir, 'npm start');
    }, 60_000);

    afterAll(() => holder.release());

    it.each([[['projections', 'status']], [['audit', 'verify']], [['audit', 'report']]])(
      '%j exits 2 with one line naming the address and the holder, and starts nothing',
      async (argv) => {
        const run = await ledger(argv, { LEDGER_DATA_DIR: dataDir });
        expect(run.code).toBe(2);
        expect(run.stdout).toBe('');
        expect(lines(run.stderr)).toHaveLength(1);
        expect(run.stderr).toMatch(
          new RegExp(
            `^ledger: database unreachable at 127\\.0\\.0\\.1:${port}/postgres \\(.+\\): the embedded PostgreSQL of ${dataDir} belongs to npm start \\(pid ${holder.pid}\\), so it is not started here; try again once it is back\\n$`,
          ),
        );
        expect(await clusterStopped(dataDir, port)).toBe(true);
        expect(dataDirHolder(dataDir)?.pid).toBe(holder.pid);
      },
    );

    it('says the same as a process of its own: one line on stderr, exit 2', async () => {
      const run = await ledgerProcess(['projections', 'status'], { LEDGER_DATA_DIR: dataDir, NODE_ENV: 'test' });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(lines(run.stderr)).toHaveLength(1);
      expect(run.stderr).toContain(`127.0.0.1:${port}/postgres`);
      expect(run.stderr).toContain(`belongs to npm start (pid ${holder.pid})`);
      expect(await clusterStopped(dataDir, port)).toBe(true);
    }, 60_000);
  });

  it('with nothing holding it, a command starts the stopped cluster, says so, works, then stops it and releases the dir', async () => {
    expect(dataDirHolder(dataDir)).toBeUndefined();
    const run = await ledgerProcess(['projections', 'status'], { LEDGER_DATA_DIR: dataDir, NODE_ENV: 'test' });
    expect(run.code).toBe(0);
    expect(lines(run.stderr)[0]).toBe(
      `ledger: started the embedded PostgreSQL at 127.0.0.1:${port}/postgres on ${dataDir} for ledger projections status ` +
        '(nothing was running it); it stops when the command ends',
    );
    const rows = lines(run.stdout).map((l) => l.split('\t'));
    // ledger and audit_trail, then the projections added since (books, reconciliation, fraud_velocity), none running.
    expect(rows.slice(1, 3).map((r) => [r[0], r[2], r[3], r[8]])).toEqual([
      ['ledger', String(events), '0', 'not running'],
      ['audit_trail', String(events), '0', 'not running'],
    ]);
    expect(rows.slice(1).map((r) => r[8])).toEqual(rows.slice(1).map(() => 'not running'));
    expect(await clusterStopped(dataDir, port)).toBe(true);
    expect(existsSync(join(dataDir, 'holder.json'))).toBe(false);
  }, 120_000);
});

describe('ledger with DATABASE_URL at a closed port', () => {
  let port: number;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    port = await freePort();
    env = { DATABASE_URL: `postgres://ledger:sekret-password@127.0.0.1:${port}/books`, ...GOOD_SECRETS };
  });

  it.each([
    [['projections', 'status']],
    [['projections', 'rebuild', 'ledger']],
    [['audit', 'verify']],
    [['audit', 'report']],
    [['audit', 'replay']],
    [['api-keys', 'list']],
    [['customers', 'forget', 'cus_1']],
    [['keys', 'rotate']],
    [['store', 'rebase']],
  ])('%j exits 2 with one line naming host:port/db, never the password', async (argv) => {
    const run = await ledger(argv, env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(new RegExp(`^ledger: database unreachable at 127\\.0\\.0\\.1:${port}/books: .*ECONNREFUSED`));
    expect(run.stderr).not.toContain('sekret-password');
  });
});

describe('ledger with EVENT_STORE=eventstoredb at a closed port', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase();
    const port = await freePort();
    env = { DATABASE_URL: db.url, EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: `esdb://127.0.0.1:${port}?tls=false` };
  });

  afterAll(() => db.drop());

  it.each([[['projections', 'status']], [['audit', 'verify']], [['audit', 'report']]])(
    '%j exits 2 with one line naming the event store',
    async (argv) => {
      const run = await ledger(argv, env);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(lines(run.stderr)).toHaveLength(1);
      const { port } = new URL(env.EVENTSTORE_CONNECTION_STRING as string);
      expect(run.stderr).toMatch(new RegExp(`^ledger: EventStoreDB unreachable at 127\\.0\\.0\\.1:${port}: `));
    },
  );
});

describe('ledger on a data dir without a cluster', () => {
  it('never initialises one: exit 2, one line saying there is nothing to read', async () => {
    const dataDir = temp('ledger-cli-empty-');
    const run = await ledger(['projections', 'status'], { LEDGER_DATA_DIR: dataDir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `ledger: nothing to read: no PostgreSQL cluster in ${dataDir} (DATABASE_URL is unset); run \`npm start\` first or set DATABASE_URL\n`,
    );
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('nor when a state file names a cluster that was never initialised', async () => {
    const dataDir = temp('ledger-cli-uninitialised-');
    mkdirSync(join(dataDir, 'postgres'));
    writeFileSync(join(dataDir, 'postgres', 'state.json'), JSON.stringify({ port: await freePort(), password: 'x' }));
    const run = await ledger(['audit', 'verify'], { LEDGER_DATA_DIR: dataDir });
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual([
      `ledger: nothing to read: no PostgreSQL cluster in ${dataDir} (DATABASE_URL is unset); run \`npm start\` first or set DATABASE_URL`,
    ]);
    expect(readdirSync(join(dataDir, 'postgres'))).toEqual(['state.json']);
  });
});

describe("ledger finds the apps' master key in the data dir, and never makes one", () => {
  const devKey = `dev:${randomBytes(32).toString('base64url')}`;
  let db: TestDatabase;
  let keyDir: string;
  let logDir: string;
  const { ENCRYPTION_KEY: _unset, ...secrets } = GOOD_SECRETS;
  const report = (dataDir: string) =>
    ledger(['audit', 'report', '--days', '3650'], { DATABASE_URL: db.url, LEDGER_DATA_DIR: dataDir, LOG_DIR: logDir, ...secrets });

  beforeAll(async () => {
    db = await createTestDatabase();
    // What the apps did on embedded defaults: sealed personal data under the data dir's development key.
    keyDir = temp('ledger-cli-key-');
    writeFileSync(join(keyDir, 'encryption-key'), `${devKey}\n`, { mode: 0o600 });
    logDir = temp('ledger-cli-logs-');
    const store = new PostgresEventStore(db.pool, { pollIntervalMs: 10 });
    const personalData = new PersonalDataCipher(new DataKeyStore(db.pool, parseMasterKey(devKey)));
    const runner = new PaymentCommandRunner(store, { personalData });
    const context = { actor: 'key_1', correlationId: randomUUID(), causationId: randomUUID(), sourceIp: '192.0.2.7' };
    for (let i = 0; i < 2; i++) {
      const data = {
        paymentId: `p-dev-${i}`,
        provider: 'stripe' as const,
        amount: 100,
        currency: 'USD',
        customerId: `c-${i}`,
        description: 'a gift',
      };
      await runner.run({ type: 'CreatePayment', data, now: new Date() }, context);
    }
    await project(db.pool, store);
  }, 60_000);

  afterAll(() => db.drop());

  it('the report reads the dev key file: not missing, and it opens the stored data keys (exit 0)', async () => {
    const run = await report(keyDir);
    expect(run.stdout).not.toMatch(/ENCRYPTION_KEY \| missing/);
    expect(run.stdout).toContain(
      `| ⚠️ warning | ENCRYPTION_KEY | unset: the apps use the development key in ${join(keyDir, 'encryption-key')} (development only; set ENCRYPTION_KEY in production) |`,
    );
    expect(run.stdout).toContain('| ✅ pass | personal data encrypted | the 2 latest events with personal fields hold ciphertext |');
    expect(run.stdout).toContain(
      `| ✅ pass | master key opens the data keys | 2 data keys under master key dev: a sample of each opens with the development key in ${join(keyDir, 'encryption-key')} |`,
    );
    expect(run.code).toBe(0);
    expect(readFileSync(join(keyDir, 'encryption-key'), 'utf8')).toBe(`${devKey}\n`);
  });

  it('without any key: missing, and the ciphertext it cannot open is critical too; no key file is generated', async () => {
    const empty = temp('ledger-cli-nokey-');
    const run = await report(empty);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(
      `| 🛑 critical | ENCRYPTION_KEY | missing: neither ENCRYPTION_KEY nor ${join(empty, 'encryption-key')} holds one; personal data cannot be encrypted or read at rest |`,
    );
    expect(run.stdout).toContain(
      '| 🛑 critical | master key opens the data keys | 2 data keys are wrapped under master key dev, and no master key was found: none opens |',
    );
    expect(readdirSync(empty)).toEqual([]);
  });

  it('with another data dir’s key: the data keys do not open (critical)', async () => {
    const other = temp('ledger-cli-otherkey-');
    writeFileSync(join(other, 'encryption-key'), `dev:${randomBytes(32).toString('base64url')}\n`);
    const run = await report(other);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(
      /\| 🛑 critical \| master key opens the data keys \| 2 of 2 data keys do not open with the master key of the development key in /,
    );
  });

  it('replay opens personal data with the dev key file, and without a key says what it needs', async () => {
    const opened = await ledger(['audit', 'replay', '--stream', 'payment-p-dev-0'], { DATABASE_URL: db.url, LEDGER_DATA_DIR: keyDir });
    expect(opened.code).toBe(0);
    expect(JSON.parse(lines(opened.stdout)[0]).data.description).toBe('a gift');

    const empty = temp('ledger-cli-nokey-');
    const refused = await ledger(['audit', 'replay', '--stream', 'payment-p-dev-0'], { DATABASE_URL: db.url, LEDGER_DATA_DIR: empty });
    expect(refused.code).toBe(2);
    expect(lines(refused.stderr).pop()).toBe(
      `ledger: audit replay: opening personal data (or pass --as-stored) needs the apps' master key: set ENCRYPTION_KEY, ` +
        `or LEDGER_DATA_DIR to the data dir whose encryption-key file the apps use (${empty} has none)`,
    );
    expect(readdirSync(empty)).toEqual([]);
  });
});
