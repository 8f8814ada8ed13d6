import { Readable } from 'node:stream';
import { PostgresEventStore, type Position } from '@ledger/event-store';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { BREAK_KINDS } from './breaks/break-kinds';
import { importReport, type ImportResult } from './import/import-report';
import { reconciliationProjection } from './matching/reconciliation-projection';
import { ratio, reconciliationSummary } from './summary/summary.query';
import { generateMonth } from './testing/generate-month';
import { insertEvents, projectAll } from './testing/project-all';

const PAYMENTS = Number(process.env.MONTH_PAYMENTS ?? 50_000);
const PLANTED = 50;

describe('A generated month of both providers (issue 32, done when)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const month = generateMonth({ payments: PAYMENTS, plantedPerKind: PLANTED });
  const projection = reconciliationProjection();

  async function importAll(): Promise<ImportResult[]> {
    const now = new Date('2026-04-05T00:00:00Z');
    const results = [
      await importReport(store, { provider: 'stripe', format: 'csv', input: Readable.from([month.stripeCsv]), actor: 'key_finance', now }),
    ];
    for (const file of month.stripeJsonFiles) {
      results.push(
        await importReport(store, {
          provider: 'stripe',
          format: 'json',
          input: Readable.from([JSON.stringify(file)]),
          actor: 'key_finance',
          now,
        }),
      );
    }
    results.push(
      await importReport(store, {
        provider: 'paystack',
        format: 'json',
        input: Readable.from([JSON.stringify(month.paystackJson)]),
        actor: 'key_finance',
        now,
      }),
    );
    return results;
  }

  async function breaks(): Promise<{ kind: string; key: string }[]> {
    const { rows } = await db.pool.query<{ kind: string; line_id: string | null; payment_id: string | null; payout_id: string | null }>(
      `SELECT kind, line_id, payment_id, payout_id FROM read_models.reconciliation_breaks WHERE status = 'open' ORDER BY break_id`,
    );
    return rows.map((r) => ({
      kind: r.kind,
      key:
        r.kind === 'missing_from_payout'
          ? String(r.payment_id)
          : r.kind === 'payout_sum_mismatch'
            ? String(r.payout_id)
            : String(r.line_id),
    }));
  }

  let first: ImportResult[];
  let applied: Position | undefined;

  // Generated once (above), stored, imported and matched once: every assertion below reads the same month.
  beforeAll(async () => {
    db = await createTestDatabase(4);
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 5 });
    await insertEvents(db.pool, [...month.paymentEvents, ...month.payoutStatusEvents]);
    first = await importAll();
    applied = await projectAll(db.pool, store, projection);
  }, 180_000);

  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('imports every line of the Stripe CSV, Stripe JSON pages and Paystack JSON', () => {
    expect(first.reduce((s, r) => s + r.lines, 0)).toBe(month.lineCount);
    expect(first.reduce((s, r) => s + r.newLines, 0)).toBe(month.lineCount);
  });

  it('finds every planted break of each kind and no other', async () => {
    const found = await breaks();
    for (const kind of BREAK_KINDS) {
      expect({
        kind,
        keys: found
          .filter((b) => b.kind === kind)
          .map((b) => b.key)
          .sort(),
      }).toEqual({ kind, keys: [...month.planted[kind]].sort() });
      expect(month.planted[kind]).toHaveLength(PLANTED);
    }
    expect(found).toHaveLength(PLANTED * BREAK_KINDS.length);
  });

  it('computes the reconciled share exactly, per provider and currency', async () => {
    const summary = await reconciliationSummary(db.pool, { now: new Date('2026-04-05T00:00:00Z') });
    expect(summary.map((s) => `${s.provider}|${s.currency}`).sort()).toEqual([...month.volumes.keys()].sort());
    for (const row of summary) {
      const expected = month.volumes.get(`${row.provider}|${row.currency}`);
      expect(row.reportedVolume).toBe(String(expected?.reported));
      expect(row.matchedVolume).toBe(String(expected?.matched));
      expect(row.reconciledShare).toBe(ratio(expected?.matched ?? 0n, expected?.reported ?? 1n));
    }
  });

  it('imports the same files again as nothing: no new line, no new event', async () => {
    const again = await importAll();
    expect(again.map((r) => r.newLines)).toEqual(again.map(() => 0));
    expect(await store.headPosition()).toEqual(applied);
  });

  it('gives the same breaks when rebuilt from the same events', async () => {
    await db.pool.query(`CREATE SCHEMA rebuilt`);
    for (const table of projection.tables) await db.pool.query(`CREATE TABLE rebuilt.${table} (LIKE read_models.${table} INCLUDING ALL)`);
    // In pages of 5,000 as `ledger projections rebuild` reads (the live run above: 500, as the projector): the same breaks.
    await projectAll(db.pool, store, projection, undefined, 'rebuilt', 5_000);
    const live = await db.pool.query(
      `SELECT break_id, kind, status, ledger_amount, provider_amount FROM read_models.reconciliation_breaks ORDER BY break_id`,
    );
    const rebuilt = await db.pool.query(
      `SELECT break_id, kind, status, ledger_amount, provider_amount FROM rebuilt.reconciliation_breaks ORDER BY break_id`,
    );
    expect(rebuilt.rows).toHaveLength(PLANTED * BREAK_KINDS.length);
    expect(rebuilt.rows).toEqual(live.rows);
  }, 120_000);
});
