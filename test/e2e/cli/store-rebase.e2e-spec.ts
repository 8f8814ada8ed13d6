import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  ForeignHistoryError,
  PostgresEventStore,
  assertEventStoreReachable,
  comparePositions,
  formatPosition,
  type RecordedEvent,
} from '@ledger/event-store';
import { alertSettingsFromConfig, createAlertHook } from '@ledger/monitoring';
import { PaymentCommandRunner, type CommandContext } from '@ledger/payments-app';
import type { PaymentCommand } from '@ledger/payments-domain';
import { createPool, loadConfig } from '@ledger/platform';
import { alertReadModels, readCheckpoint } from '@ledger/projections';
import { createTestDatabase, testServices, type TestDatabase } from '@ledger/testing';
import { startApp } from '../metrics/support/processes';
import { readAllEvents, snapshotReadModels } from '../projections/support/harness';
import { appendWorkload } from '../projections/support/workload';
import { ledger, project } from './support/cli';
import { burnTransactionIds, moveDatabase, nextTransactionId, startFreshServer, type FreshServer } from './support/move-database';

const REBASE_LINE = /^.*holds transaction ids from another PostgreSQL server.*run `ledger store rebase` once, then start again\n$/;
const liveHooks = () => ({ ledger: createAlertHook(alertSettingsFromConfig(loadConfig({ NODE_ENV: 'test' })), alertReadModels) });
const ctx: CommandContext = { actor: 'key_1', correlationId: 'corr', causationId: 'req' };

/** A 700,000 USD payment created now: over SUSPICIOUS_AMOUNTS, so the live hook raises one suspicious_amount alert. */
async function suspiciousPayment(runner: PaymentCommandRunner): Promise<string> {
  const paymentId = randomUUID();
  const commands: PaymentCommand[] = [
    { type: 'CreatePayment', now: new Date(), data: { paymentId, provider: 'stripe', amount: 700_000, currency: 'USD' } },
    { type: 'StartProcessing', now: new Date(), data: { paymentId } },
    { type: 'MarkPaymentSucceeded', now: new Date(), data: { paymentId, providerPaymentId: `pp_${paymentId}` } },
  ];
  for (const command of commands) await runner.run(command, ctx);
  return paymentId;
}

/**
 * Two events whose global_position order is the reverse of their global order: the earlier transaction takes
 * its id first, the later one appends and commits, then the earlier one inserts (owner's SQL; not payment streams).
 */
async function commitAgainstSequenceOrder(url: string, store: PostgresEventStore): Promise<void> {
  const early = new Client({ connectionString: url });
  await early.connect();
  try {
    await early.query('BEGIN');
    await early.query('SELECT pg_current_xact_id()');
    await store.appendToStream('probe-late', [{ type: 'Probe', data: {} }], 'no_stream');
    await early.query(
      `INSERT INTO event_store.events (stream_id, revision, event_id, event_type, data) VALUES ('probe-early', 0, $1, 'Probe', '{}')`,
      [randomUUID()],
    );
    await early.query('COMMIT');
  } finally {
    await early.end();
  }
}

const eventIds = async (pool: { query: Client['query'] }, order: string) =>
  (await pool.query<{ id: string }>(`SELECT event_id::text AS id FROM event_store.events ORDER BY ${order}`)).rows.map((r) => r.id);

const count = async (pool: { query: Client['query'] }, sql: string) => Number((await pool.query(sql)).rows[0].n);
const outbox = (pool: { query: Client['query'] }) => count(pool, `SELECT count(*)::int AS n FROM monitoring.alert_outbox`);

describe('ledger store rebase: a database moved into a freshly initialised server', () => {
  let source: TestDatabase;
  let server: FreshServer;
  let url: string;
  let pool: ReturnType<typeof createPool>;
  let store: PostgresEventStore;
  let original: RecordedEvent[];
  let sourceModels: Record<string, string[]>;
  let sourceAlerts: number;
  /** Every event id (all streams) in the source's global order, (transaction_id, global_position). */
  let sourceOrder: string[];
  let epochEvent: string;
  const env = () => ({ DATABASE_URL: url, REDIS_URL: testServices().redisUrl });

  beforeAll(async () => {
    source = await createTestDatabase();
    const sourceStore = new PostgresEventStore(source.pool, { pollIntervalMs: 10 });
    await appendWorkload(sourceStore, { payments: 150, seed: 13, concurrency: 6 });
    await suspiciousPayment(new PaymentCommandRunner(sourceStore));
    await commitAgainstSequenceOrder(source.url, sourceStore);
    await project(source.pool, sourceStore, liveHooks());
    sourceOrder = await eventIds(source.pool, 'transaction_id, global_position');
    // The plaintext epoch at an event mid-log: the rebase must move it with that event.
    epochEvent = sourceOrder[Math.floor(sourceOrder.length / 2)];
    await source.pool.query(
      `UPDATE ledger.encryption_epoch SET last_plaintext_position = (SELECT global_position FROM event_store.events WHERE event_id = $1)`,
      [epochEvent],
    );
    original = await readAllEvents(sourceStore);
    sourceModels = await snapshotReadModels(source.pool);
    sourceAlerts = await outbox(source.pool);

    server = await startFreshServer();
    // The source server's ids must be far ahead of the fresh one's, as they are after any real life.
    const ahead = (await nextTransactionId(server.url)) + 3_000n - (await nextTransactionId(testServices().pgUrl));
    if (ahead > 0n) await burnTransactionIds(testServices().pgUrl, Number(ahead));
    url = await moveDatabase(source.url, server, 'restored');
    pool = createPool(url, { max: 6 });
    store = new PostgresEventStore(pool, { pollIntervalMs: 10 });
  }, 180_000);

  afterAll(async () => {
    await pool?.end();
    await server?.stop();
    await source?.drop();
  });

  it('the restore hides every event until the rebase, and every start refuses with one line naming it', async () => {
    expect(original.length).toBeGreaterThan(300);
    expect(sourceAlerts).toBeGreaterThan(0);
    expect(await count(pool, `SELECT count(*)::int AS n FROM event_store.events WHERE stream_id LIKE 'payment-%'`)).toBe(original.length);
    expect(await store.readAll()).toEqual([]);

    await expect(assertEventStoreReachable(store)).rejects.toBeInstanceOf(ForeignHistoryError);
    for (const argv of [
      ['projections', 'status'],
      ['audit', 'verify'],
      ['audit', 'replay'],
    ]) {
      const run = await ledger(argv, env());
      expect({ argv, code: run.code, stdout: run.stdout }).toEqual({ argv, code: 2, stdout: '' });
      expect(run.stderr).toMatch(REBASE_LINE);
    }
    for (const app of ['projector', 'ledger-api', 'alert-worker']) {
      const started = startApp(app, { ...env(), LOG_LEVEL: 'warn' });
      const code = await new Promise((resolve) => started.child.once('exit', resolve));
      const lines = started.stderr.join('').trimEnd().split('\n');
      expect({ app, code, lines }).toEqual({ app, code: 1, lines: [expect.stringContaining('run `ledger store rebase` once')] });
    }
  }, 120_000);

  it('refuses to rebase as ledger_app (it owns nothing): one line, exit 2, nothing changed', async () => {
    await pool.query(`ALTER ROLE ledger_app LOGIN PASSWORD 'app-password'`);
    const asApp = new URL(url);
    asApp.username = 'ledger_app';
    asApp.password = 'app-password';
    const run = await ledger(['store', 'rebase'], { ...env(), DATABASE_URL: asApp.toString() });
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: 'ledger: store rebase must run as the owner of event_store.events (the migration role): permission denied for table events\n',
    });
    expect(await store.foreignHistory()).not.toBeNull();
    expect(await eventIds(pool, 'transaction_id, global_position')).toEqual(sourceOrder);
  });

  it('rebase exits 0: all of $all in the original order, read models equal a rebuild, verify clean, no alert paged again', async () => {
    const alertsBefore = await outbox(pool);
    const run = await ledger(['store', 'rebase'], env());
    expect(run.stderr).not.toMatch(/^ledger: /m);
    expect(run.code).toBe(0);
    const total = await count(pool, `SELECT count(*)::int AS n FROM event_store.events`);
    expect(run.stdout).toMatch(new RegExp(`^store rebase: ${total} events re-stamped with transaction \\d+, in their original order\\n`));
    expect(run.stdout).toContain(`rebuilt ledger: ${original.length} events`);
    expect(run.stdout).toContain(`rebuilt audit_trail: ${original.length} events`);
    expect(run.stdout).toMatch(/store rebase: done\n$/);

    // Every stream, not only payments: the new numbering is the old global order, which the sequence alone was not.
    expect(await eventIds(pool, 'global_position')).toEqual(sourceOrder);
    expect(await eventIds(source.pool, 'global_position')).not.toEqual(sourceOrder);
    const epoch = await pool.query(
      `SELECT e.event_id::text AS id FROM ledger.encryption_epoch x JOIN event_store.events e ON e.global_position = x.last_plaintext_position`,
    );
    expect(epoch.rows).toEqual([{ id: epochEvent }]);
    const rebased = await readAllEvents(store);
    expect(rebased.map((e) => e.eventId)).toEqual(original.map((e) => e.eventId));
    for (let i = 1; i < rebased.length; i++) expect(comparePositions(rebased[i - 1].position, rebased[i].position)).toBe(-1);
    const head = formatPosition(rebased[rebased.length - 1].position);
    for (const name of ['ledger', 'audit_trail']) {
      const checkpoint = await readCheckpoint(pool, name);
      expect({ name, at: formatPosition(checkpoint.position), applied: checkpoint.eventsApplied }).toEqual({
        name,
        at: head,
        applied: original.length,
      });
    }

    // The same tables as on the source server; the audit trail's positions are the new numbering, its events the same.
    const models = await snapshotReadModels(pool);
    const { audit_trail: trail, ...rest } = models;
    const { audit_trail: sourceTrail, ...sourceRest } = sourceModels;
    expect(rest).toEqual(sourceRest);
    expect(trail).toHaveLength(sourceTrail.length);
    const trailIds = await pool.query<{ id: string }>(
      `SELECT event_id::text AS id FROM read_models.audit_trail ORDER BY commit_position, prepare_position`,
    );
    expect(trailIds.rows.map((r) => r.id)).toEqual(original.map((e) => e.eventId));
    // And equal to a rebuild from these events on this server.
    expect((await ledger(['projections', 'rebuild', 'ledger'], env())).code).toBe(0);
    expect((await ledger(['projections', 'rebuild', 'audit_trail'], env())).code).toBe(0);
    expect(await snapshotReadModels(pool)).toEqual(models);

    const verify = await ledger(['audit', 'verify'], env());
    expect(verify.stdout).toMatch(/^verify: clean/m);
    expect(verify.code).toBe(0);
    expect(await outbox(pool)).toBe(alertsBefore);
    await expect(assertEventStoreReachable(store)).resolves.toBeUndefined();
  }, 180_000);

  it('keeps the log append-only and its positions system-assigned', async () => {
    await expect(pool.query(`UPDATE event_store.events SET data = '{}'`)).rejects.toThrow(/append-only/);
    await expect(pool.query(`DELETE FROM event_store.events`)).rejects.toThrow(/append-only/);
    const { rows } = await pool.query<{ identity: string }>(
      `SELECT attidentity AS identity FROM pg_attribute WHERE attrelid = 'event_store.events'::regclass AND attname = 'global_position'`,
    );
    expect(rows[0].identity).toBe('a');
  });

  it('new commands on this server sort after the restored history, project, and page once', async () => {
    const restoredHead = (await readAllEvents(store)).at(-1)!.position;
    const alertsBefore = await outbox(pool);
    const paymentId = await suspiciousPayment(new PaymentCommandRunner(store));
    await project(pool, store, liveHooks());
    const all = await readAllEvents(store);
    expect(all.slice(0, original.length).map((e) => e.eventId)).toEqual(original.map((e) => e.eventId));
    const fresh = all.slice(original.length);
    expect(fresh.map((e) => [e.streamId, e.type])).toEqual([
      [`payment-${paymentId}`, 'PaymentCreated'],
      [`payment-${paymentId}`, 'PaymentProcessing'],
      [`payment-${paymentId}`, 'PaymentSucceeded'],
    ]);
    expect(comparePositions(fresh[0].position, restoredHead)).toBe(1);
    const row = await pool.query(`SELECT status, amount::text AS amount FROM read_models.payments WHERE payment_id = $1`, [paymentId]);
    expect(row.rows).toEqual([{ status: 'succeeded', amount: '700000' }]);
    expect(await outbox(pool)).toBe(alertsBefore + 1);
    const verify = await ledger(['audit', 'verify'], env());
    expect(verify.stdout).toMatch(/^verify: clean/m);
    expect(verify.code).toBe(0);
  }, 120_000);

  it('a second rebase finds nothing to do and exits 0', async () => {
    const run = await ledger(['store', 'rebase'], env());
    expect(run).toEqual({
      code: 0,
      stdout: 'store rebase: nothing to do: every stored transaction id belongs to this server\n',
      stderr: '',
    });
  });
});

describe('foreign-history detection on a store of this server', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('does not fire on an empty store, on a store in use, nor while an append is still open', async () => {
    const store = new PostgresEventStore(db.pool, { pollIntervalMs: 10 });
    await expect(assertEventStoreReachable(store)).resolves.toBeUndefined();
    await appendWorkload(store, { payments: 20, seed: 5, concurrency: 4 });
    await expect(assertEventStoreReachable(store)).resolves.toBeUndefined();
    const open = new Client({ connectionString: db.url });
    await open.connect();
    try {
      await open.query('BEGIN');
      await open.query(`SELECT * FROM event_store.append_events('probe-open', 'no_stream', $1::jsonb)`, [
        JSON.stringify([{ id: randomUUID(), type: 'Probe', data: {} }]),
      ]);
      expect(await store.foreignHistory()).toBeNull();
      await open.query('COMMIT');
    } finally {
      await open.end();
    }
    expect(await store.foreignHistory()).toBeNull();
    const run = await ledger(['store', 'rebase'], { DATABASE_URL: db.url });
    expect(run).toEqual({
      code: 0,
      stdout: 'store rebase: nothing to do: every stored transaction id belongs to this server\n',
      stderr: '',
    });
    expect((await ledger(['projections', 'status'], { DATABASE_URL: db.url })).code).toBe(0);
  });
});
