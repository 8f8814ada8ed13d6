import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, startApiHarness, type ApiHarness } from '../../support/api-harness';
import { ledger } from './support/cli';

const MASTER = 'k7Qp2Zr9Lm4Xw8Vt1Bn6Hs3Jd5Fg0Ca!';
const PAYMENTS = 30;

/**
 * `ledger audit replay --format table | head` used to bury the table under one "personal data read" line per
 * payment on standard error. The reads go to the read log (pino lines in LOG_DIR/ledger-cli.log); standard error
 * gets the event count and one summary line.
 */
describe('ledger audit replay: personal-data reads in the read log, one summary line', () => {
  let api: ApiHarness;
  let env: NodeJS.ProcessEnv;
  const ids: string[] = [];

  beforeAll(async () => {
    api = await startApiHarness({ env: { ENCRYPTION_KEY: MASTER } });
    env = { DATABASE_URL: api.db.url, ENCRYPTION_KEY: MASTER };
    for (let i = 0; i < PAYMENTS; i++) {
      const res = await call(api, 'POST', '/v1/payments', {
        key: api.keys['payments:write'],
        headers: { 'idempotency-key': randomUUID() },
        body: { provider: 'stripe', amount: 1000 + i, currency: 'USD', customerId: `cus_${i}`, description: `order ${i} for Jane Doe` },
      });
      expect(res.status).toBe(201);
      ids.push(res.body.paymentId as string);
    }
  }, 60_000);

  afterAll(() => api.close());

  it('records each payment read once in LOG_DIR/ledger-cli.log and says so in one line', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'ledger-read-log-'));
    const run = await ledger(['audit', 'replay', '--format', 'table'], { ...env, LOG_DIR: logDir });
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(2 + PAYMENTS);
    const path = join(logDir, 'ledger-cli.log');
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      `${PAYMENTS} events`,
      expect.stringMatching(new RegExp(`^personal data of ${PAYMENTS} payments read by \\S+@cli; each read is in the read log ${path}$`)),
    ]);
    const reads = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(reads.map((r) => r.paymentId).sort()).toEqual([...ids].sort());
    for (const r of reads) {
      expect(r).toMatchObject({
        level: 30,
        name: 'ledger-cli',
        msg: 'personal data read',
        command: 'audit replay',
        time: expect.any(Number),
      });
      expect(JSON.stringify(r)).not.toContain('Jane Doe');
    }
  });

  it('writes the read log into the data dir without LOG_DIR, and nothing with --as-stored', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ledger-cli-'));
    const run = await ledger(['audit', 'replay', '--stream', `payment-${ids[0]}`], { ...env, LEDGER_DATA_DIR: dataDir });
    expect(run.stderr).toContain(`read log ${join(dataDir, 'logs', 'ledger-cli.log')}`);
    expect(
      readFileSync(join(dataDir, 'logs', 'ledger-cli.log'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(1);
    const stored = await ledger(['audit', 'replay', '--stream', `payment-${ids[0]}`, '--as-stored'], {
      ...env,
      LOG_DIR: join(dataDir, 'none'),
    });
    expect(stored.stderr).toBe('1 events\n');
  });

  it('refuses to open personal data when the read log cannot be written (exit 2, one line)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ledger-read-log-')), 'a-file');
    writeFileSync(file, '');
    const run = await ledger(['audit', 'replay'], { ...env, LOG_DIR: join(file, 'logs') });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `ledger: audit replay: cannot write the read log ${join(file, 'logs', 'ledger-cli.log')} (ENOTDIR); set LOG_DIR or pass --as-stored\n`,
    );
  });
});
