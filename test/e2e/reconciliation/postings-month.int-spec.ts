import { Readable } from 'node:stream';
import { BOOKS_PROJECTION, closePeriod, queryBalances } from '@ledger/books';
import { PostgresEventStore } from '@ledger/event-store';
import { PROJECTIONS, readCheckpoint, rebuildProjection } from '@ledger/projections';
import { importReport, listBreaks, resolveBreak } from '@ledger/reconciliation';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { generateMonth } from '../../../libs/reconciliation/src/testing/generate-month';
import { insertEvents } from '../../../libs/reconciliation/src/testing/project-all';
import { ledger } from '../cli/support/cli';
import {
  append,
  catchUp,
  importCsv,
  payment,
  payoutStatus,
  postedCount,
  postedEntries,
  row,
  settle,
  trialDifferences,
} from './support/postings';

/**
 * Issue 32, done when: "the trial balance stays zero through imports, corrections, late facts and resolutions", on a
 * generated month of both providers (every format, FX, refunds, disputes, fee lines, a payout failing after paid and
 * planted breaks of every kind), run by the real runner: the reconciliation, then the books.
 */
describe('A generated month through the reconciliation into the books', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const month = generateMonth({ payments: 400, plantedPerKind: 2, seed: 7 });
  const now = new Date('2026-04-05T00:00:00Z');

  async function importAll(csv = month.stripeCsv): Promise<number> {
    let newLines = 0;
    const run = async (provider: 'stripe' | 'paystack', format: 'csv' | 'json', body: string) =>
      (newLines += (await importReport(store, { provider, format, input: Readable.from([body]), actor: 'key_finance', now })).newLines);
    await run('stripe', 'csv', csv);
    for (const file of month.stripeJsonFiles) await run('stripe', 'json', JSON.stringify(file));
    await run('paystack', 'json', JSON.stringify(month.paystackJson));
    return newLines;
  }

  const zero = async () => {
    const differences = await trialDifferences(db.pool);
    expect(Object.keys(differences).sort()).toEqual(expect.arrayContaining(['EUR', 'JPY', 'KWD', 'NGN', 'USD']));
    expect(Object.values(differences).filter((d) => d !== '0')).toEqual([]);
  };
  const journal = async () =>
    (
      await db.pool.query(
        `SELECT e.entry_id, e.event_id, e.payment_id, e.provider, e.occurred_at, e.effective_at, e.period, e.late, e.memo,
                json_agg(json_build_array(l.line_no, l.account, l.currency, l.debit, l.credit) ORDER BY l.line_no) AS lines
           FROM books.journal_entries e JOIN books.journal_lines l USING (entry_id) GROUP BY e.entry_id ORDER BY e.entry_id`,
      )
    ).rows;

  beforeAll(async () => {
    db = await createTestDatabase(4);
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 5 });
    await insertEvents(db.pool, [...month.paymentEvents, ...month.payoutStatusEvents]);
  }, 120_000);

  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('keeps the trial balance at zero per currency through the imports; the same files again post nothing', async () => {
    expect(await importAll()).toBe(month.lineCount);
    await settle(db.pool, store);
    await zero();
    const reasons = new Set((await postedEntries(db.pool)).map((e) => e.memo));
    expect(reasons).toEqual(new Set(['reconciliation:line', 'reconciliation:payout_paid', 'reconciliation:payout_failed']));
    const posted = await postedCount(db.pool);
    const before = await journal();

    expect(await importAll()).toBe(0);
    await settle(db.pool, store);
    expect(await postedCount(db.pool)).toBe(posted);
    expect(await journal()).toEqual(before);
  });

  it('stays at zero through a correction, a late fact and a resolution, each posted once', async () => {
    // A correction: one USD charge line of the CSV reported again without its fee.
    const rows = month.stripeCsv.split('\n');
    const at = rows.findIndex((r) => {
      const c = r.split(',');
      return c[9] === 'charge' && c[5] === 'usd' && c[7] !== '0.00';
    });
    const cells = rows[at].split(',');
    cells[7] = '0.00';
    cells[8] = cells[6];
    rows[at] = cells.join(',');
    await importAll(rows.join('\n'));
    await settle(db.pool, store);
    expect((await postedEntries(db.pool)).filter((e) => e.memo === 'reconciliation:correction')).toHaveLength(1);
    await zero();

    // A late fact: a planted unknown Stripe charge whose payment the ledger now records.
    const {
      rows: [ghost],
    } = await db.pool.query<{ line: { gross: number; net: number; sourceId: string; lineId: string } }>(
      `SELECT line FROM read_models.reconciliation_lines WHERE line_id LIKE 'txn_ghost_%' AND status = 'break' ORDER BY line_id LIMIT 1`,
    );
    const suspenseBefore = await suspense('USD');
    await append(
      store,
      payment(9001, ghost.line.gross, 6).map((e) =>
        e.type === 'PaymentSucceeded' ? { ...e, data: { ...e.data, providerChargeId: ghost.line.sourceId } } : e,
      ),
    );
    await settle(db.pool, store);
    const late = (await postedEntries(db.pool)).filter((e) => e.memo === 'reconciliation:late_fact');
    expect(late).toEqual([expect.objectContaining({ paymentId: 'p9001' })]);
    const { rows: lineNow } = await db.pool.query(`SELECT status FROM read_models.reconciliation_lines WHERE line_id = $1`, [
      ghost.line.lineId,
    ]);
    expect(lineNow).toEqual([{ status: 'matched' }]);
    // Its net left suspense:stripe (a credit balance, shown negative for a suspense account), once.
    expect(await suspense('USD')).toBe(suspenseBefore + ghost.line.net);
    await zero();

    // A resolution of an open break that holds an amount in suspense.
    const open = (await listBreaks(db.pool, { status: 'open', now })).find((b) => b.suspenseAmount !== '0' && b.provider === 'stripe');
    expect(open).toBeDefined();
    await resolveBreak(db.pool, store, { breakId: open!.breakId, account: 'revenue:sales', note: 'checked', actor: 'key_finance', now });
    await settle(db.pool, store);
    expect((await postedEntries(db.pool)).filter((e) => e.memo === 'reconciliation:resolution')).toHaveLength(1);
    await zero();
  });

  it('rebuilding the reconciliation appends no posting; rebuilding the books gives the same journal', async () => {
    const posted = await postedCount(db.pool);
    const before = await journal();
    await rebuildProjection('reconciliation', { pool: db.pool, store, chunkSize: 97 });
    expect(await postedCount(db.pool)).toBe(posted);
    await settle(db.pool, store);
    expect(await journal()).toEqual(before);
    await rebuildProjection('books', { pool: db.pool, store, chunkSize: 89, tuning: { flushRows: 13, cacheRows: 17 } });
    expect(await journal()).toEqual(before);
    await zero();
  });

  it(
    'a fully reconciled payout (every line matched or a fee, Σ net = its amount, paid): provider:stripe GBP as of its cut-off ' +
      'equals the balance the provider reports it leaves, Σ net of its lines − its amount = 0; Σ net before it is paid',
    async () => {
      await append(store, [...payment(9101, 5000, 10, 'GBP'), ...payment(9102, 3000, 11, 'GBP')]);
      await append(store, [
        {
          streamId: 'payment-p9102',
          type: 'PaymentRefunded',
          data: {
            paymentId: 'p9102',
            refundId: 'r9102',
            providerRefundId: 're_9102',
            amount: 1000,
            currency: 'GBP',
            totalRefunded: 1000,
            refundedAt: '2026-03-12T00:00:00.000Z',
          },
          occurredAt: '2026-03-12T00:00:00.000Z',
        },
      ]);
      const lines = [
        row('po_gbp', 10, 'txn_g1', 'charge', 5000, 175, 'ch_9101', 'GBP'),
        row('po_gbp', 11, 'txn_g2', 'charge', 3000, 110, 'ch_9102', 'GBP'),
        row('po_gbp', 12, 'txn_g3', 'refund', -1000, 0, 're_9102', 'GBP'),
        row('po_gbp', 12, 'txn_g4', 'fee', -50, 0, '', 'GBP'),
      ];
      const reported = 5000 - 175 + (3000 - 110) - 1000 - 50;
      // row() dates the payout's cut-off two days after the line's day: every line says the 14th for day 12.
      const cutOff = new Date('2026-03-14T00:00:00.000Z');
      await importCsv(
        store,
        lines.map((l) => l.replace(/^po_gbp,2026-03-\d\d/, 'po_gbp,2026-03-14')),
      );
      await settle(db.pool, store);
      expect(await providerGbp(cutOff)).toBe(String(reported));
      await append(store, [payoutStatus('po_gbp', 'paid', reported, cutOff.toISOString(), 'evt_gbp', 'GBP')]);
      await settle(db.pool, store);
      const { rows: breaks } = await db.pool.query(`SELECT kind FROM read_models.reconciliation_breaks WHERE payout_id = 'po_gbp'`);
      expect(breaks).toEqual([]);
      expect(await providerGbp(cutOff)).toBe(String(reported - reported));
      await zero();
    },
  );

  it('a posting dated in a closed period is late, in the first open one; the close is unchanged', async () => {
    const checkpoint = {
      read: async () => (await readCheckpoint(db.pool, BOOKS_PROJECTION)).position,
      lock: async (tx: Parameters<typeof readCheckpoint>[0]) => (await readCheckpoint(tx, BOOKS_PROJECTION, true)).position,
    };
    // A charge the ledger does not know yet, in March's last payout, then March closed.
    await importCsv(store, [row('po_late', 8, 'txn_late', 'charge', 900, 30, 'ch_9002')]);
    await settle(db.pool, store);
    const close = await closePeriod({ pool: db.pool, store, checkpoint, period: '2026-03', now: new Date(), actor: 'test' });
    expect(close.closed).toBe(true);
    const march = async () =>
      (await db.pool.query(`SELECT count(*)::int AS n, sum(debit)::text AS d FROM books.journal_lines WHERE period = '2026-03'`)).rows;
    const before = await march();
    // Its payment arrives: the fact is of March 8th, the suspense of March 10th, both in the closed March.
    await append(store, payment(9002, 900, 8));
    await settle(db.pool, store);
    const late = (await postedEntries(db.pool)).filter((e) => e.memo === 'reconciliation:late_fact' && e.paymentId === 'p9002');
    expect(late).toEqual([expect.objectContaining({ effectiveAt: '2026-04-01T00:00:00.000Z' })]);
    const { rows } = await db.pool.query(`SELECT late, period FROM books.journal_entries WHERE entry_id = $1`, [late[0].entryId]);
    expect(rows).toEqual([{ late: true, period: '2026-04' }]);
    expect(await march()).toEqual(before);
    await zero();
  });

  it('ledger audit verify finds no difference (the books: every posted entry balanced, the journal holding exactly them; the reconciliation recomputed through a correction, a late fact and a resolution); a changed posted line is reported', async () => {
    for (const name of ['ledger', 'audit_trail']) await catchUp(db.pool, store, PROJECTIONS[name]);
    const clean = await ledger(['audit', 'verify'], { DATABASE_URL: db.url });
    expect(clean.stdout).toMatch(/^verify: /m);
    expect(clean.stdout.split('\n').filter((l) => l.startsWith('books') || l.startsWith('reconciliation'))).toEqual([]);
    expect(clean.code).toBe(0);
    const {
      rows: [changed],
    } = await db.pool.query<{ entry_id: string }>(
      `UPDATE books.journal_lines SET debit = debit + 1 WHERE (entry_id, line_no) =
         (SELECT l.entry_id, l.line_no FROM books.journal_lines l JOIN books.journal_entries e USING (entry_id)
           WHERE e.memo = 'reconciliation:late_fact' AND l.debit > 0 LIMIT 1) RETURNING entry_id`,
    );
    const dirty = await ledger(['audit', 'verify'], { DATABASE_URL: db.url });
    expect(dirty.code).toBe(1);
    expect(dirty.stdout).toContain(`books.journal_entries [entry_id=${changed.entry_id}] entry`);
    expect(dirty.stdout).toContain(`books [entry_id=${changed.entry_id}] difference USD: expected 0, actual 1`);
  });

  async function suspense(currency: string): Promise<number> {
    const balances = await queryBalances(db.pool, { now: new Date(), currency });
    return Number(balances.find((b) => b.account === 'suspense:stripe')?.balance ?? 0);
  }

  async function providerGbp(asOf: Date): Promise<string> {
    const balances = await queryBalances(db.pool, { now: new Date(), asOf, currency: 'GBP' });
    return balances.find((b) => b.account === 'provider:stripe')?.balance ?? '0';
  }
});
