import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { RiskTokens, resetFraudState } from '@ledger/fraud';
import { forgetCustomer } from '@ledger/payments-app';
import { FORGOTTEN } from '@ledger/security';
import { withTransaction } from '@ledger/platform';
import { createTestDatabase, waitFor, type TestDatabase } from '@ledger/testing';
import { EXPECTED_FLAGS, flagsInLog, rigOf, settledOn, startManager, writeHistory } from './support/fraud-rig';

const root = join(__dirname, '..', '..', '..');

/** A real process running the manager and its relay (TypeScript through test/support/swc-register.js). */
function runChild(db: TestDatabase, env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, ['-r', join(root, 'test/support/swc-register.js'), join(__dirname, 'support/fraud-child.ts')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DATABASE_URL: db.url, ...env },
  });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

const outbox = async (db: TestDatabase) =>
  (
    await db.pool.query<{ command_id: string; dispatched_at: Date | null }>(
      `SELECT command_id, dispatched_at FROM fraud.outbox ORDER BY seq`,
    )
  ).rows;

describe('Fraud velocity: a process manager acts once', () => {
  let db: TestDatabase;
  afterEach(() => db.drop());

  it('replays the same history twice (a rebuild from zero) and gets the same flags once', async () => {
    db = await createTestDatabase(10);
    const { store } = rigOf(db.pool);
    await writeHistory(db.pool);
    const first = await startManager(db.pool);
    await waitFor(
      async () => (await settledOn(db.pool, store)) && (await flagsInLog(store)).length >= EXPECTED_FLAGS.length,
      'the first run',
    );
    expect(await flagsInLog(store)).toEqual(EXPECTED_FLAGS);
    const decided = await outbox(db);

    // A rebuild under the running manager: it notices, reloads the empty state and replays the whole log.
    await withTransaction(db.pool, (tx) => resetFraudState(tx));
    await waitFor(
      async () =>
        (await db.pool.query(`SELECT events_applied FROM fraud.checkpoint`)).rows[0].events_applied > 0 &&
        (await settledOn(db.pool, store)),
      'the replay',
    );
    await first.stop();
    // And once more, from a new instance after a restart.
    await withTransaction(db.pool, (tx) => resetFraudState(tx));
    const second = await startManager(db.pool);
    await waitFor(
      async () =>
        (await db.pool.query(`SELECT events_applied FROM fraud.checkpoint`)).rows[0].events_applied > 0 &&
        (await settledOn(db.pool, store)),
      'the second replay',
    );
    await second.stop();

    expect(await flagsInLog(store)).toEqual(EXPECTED_FLAGS);
    expect((await outbox(db)).map((r) => r.command_id)).toEqual(decided.map((r) => r.command_id));
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM fraud.trips`);
    expect(rows[0].n).toBe(2);
  }, 120_000);

  it('after a SIGKILL between the outbox write and the append, and one between the append and its mark, flags each payment once', async () => {
    db = await createTestDatabase(10);
    const { store } = rigOf(db.pool);
    await writeHistory(db.pool);

    expect(await runChild(db, { CRASH: 'before-append' })).toEqual({ code: null, signal: 'SIGKILL' });
    const pending = await outbox(db);
    expect(pending.map((r) => r.command_id).sort()).toEqual(EXPECTED_FLAGS.map((f) => `fraud:${f.replace(' ', ':')}`).sort());
    expect(pending.every((r) => r.dispatched_at === null)).toBe(true);
    expect(await flagsInLog(store)).toEqual([]);

    expect(await runChild(db, { CRASH: 'after-append' })).toEqual({ code: null, signal: 'SIGKILL' });
    // The relay runs a page's flags side by side: the kill after the first append finds one or more appended, none marked.
    const appended = await flagsInLog(store);
    expect(appended.length).toBeGreaterThanOrEqual(1);
    expect(new Set(appended).size).toBe(appended.length);
    expect(EXPECTED_FLAGS).toEqual(expect.arrayContaining(appended));
    expect((await outbox(db)).every((r) => r.dispatched_at === null)).toBe(true);

    expect(await runChild(db, {})).toEqual({ code: 0, signal: null });
    expect(await flagsInLog(store)).toEqual(EXPECTED_FLAGS);
    expect((await outbox(db)).every((r) => r.dispatched_at !== null)).toBe(true);
  }, 120_000);

  it('after customers forget, their tokens are unreadable in the log and absent from the state, also after a rebuild', async () => {
    db = await createTestDatabase(10);
    const { store, keys, cipher } = rigOf(db.pool);
    await writeHistory(db.pool);
    const running = await startManager(db.pool);
    await waitFor(async () => (await settledOn(db.pool, store)) && (await flagsInLog(store)).length >= EXPECTED_FLAGS.length, 'the flags');
    const risk = await new RiskTokens(keys).riskOf({
      cardFingerprint: 'fp_testing',
      ipAddress: '198.51.100.9',
      email: 'tester@example.com',
    });
    const tokens = Object.values(risk!.tokens);
    const holding = async (sql: string) => (await db.pool.query<{ n: number }>(sql, [tokens.map((t) => `%${t}%`)])).rows[0].n;
    const inState = () =>
      holding(
        `SELECT ((SELECT count(*) FROM fraud.observations WHERE customer_id = 'cus_tester' OR card_token LIKE ANY($1) OR ip_token LIKE ANY($1) OR email_token LIKE ANY($1))
              + (SELECT count(*) FROM fraud.trips WHERE subject LIKE ANY($1)))::int AS n`,
      );
    expect(await inState()).toBeGreaterThan(0);

    await forgetCustomer(store, keys, { customerId: 'cus_tester', actor: 'test' });
    await waitFor(async () => (await settledOn(db.pool, store)) && (await inState()) === 0, 'the forget applied');
    // In the log: no token in clear, and the sealed risk opens to nothing.
    expect(
      await holding(`SELECT count(*)::int AS n FROM event_store.events WHERE data::text LIKE ANY($1) OR metadata::text LIKE ANY($1)`),
    ).toBe(0);
    const created = (await store.readStream('payment-ct_1'))[0];
    expect(await cipher.opener()((created.data as { risk: unknown }).risk)).toBe(FORGOTTEN);

    await withTransaction(db.pool, (tx) => resetFraudState(tx));
    await waitFor(
      async () =>
        (await db.pool.query(`SELECT events_applied FROM fraud.checkpoint`)).rows[0].events_applied > 0 &&
        (await settledOn(db.pool, store)),
      'the rebuild',
    );
    await running.stop();
    expect(await inState()).toBe(0);
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM fraud.observations WHERE customer_id LIKE 'cus_ip_%'`,
    );
    expect(rows[0].n).toBe(5);
    expect(await flagsInLog(store)).toEqual(EXPECTED_FLAGS);
  }, 120_000);
});
