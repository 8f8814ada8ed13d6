import { PostgresEventStore } from '@ledger/event-store';
import { rebuildProjection } from '@ledger/projections';
import { listBreaks, resolveBreak } from '@ledger/reconciliation';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import {
  append,
  importCsv,
  net,
  payment,
  payoutStatus,
  postedCount,
  postedEntries,
  row,
  settle,
  sorted,
  trialDifferences,
  type PostedEntry,
} from './support/postings';

/**
 * Issue 32's postings through the books (real PostgreSQL, the real runner): given the ledger's events and a provider's
 * report, when the reconciliation and then the books have run, then these journal entries, and a trial balance whose
 * difference is 0 in every currency.
 */
describe('Reconciliation postings in the books journal', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let seen = 0;

  /** Settles both projections and returns the reconciliation's entries the books journaled since the last call. */
  const posted = async (): Promise<PostedEntry[]> => {
    await settle(db.pool, store);
    const all = await postedEntries(db.pool);
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  };
  const balanced = async () => {
    const differences = await trialDifferences(db.pool);
    expect(Object.keys(differences).length).toBeGreaterThan(0);
    for (const d of Object.values(differences)) expect(d).toBe('0');
  };

  beforeAll(async () => {
    db = await createTestDatabase(4);
    store = new PostgresEventStore(db.pool, { pollIntervalMs: 5 });
    await append(store, [...payment(1, 1000, 1), ...payment(2, 2000, 1), ...payment(3, 1000, 2, 'EUR'), ...payment(4, 1000, 3)]);
    await append(store, [
      {
        streamId: 'payment-p2',
        type: 'PaymentRefunded',
        data: {
          paymentId: 'p2',
          refundId: 'r2',
          providerRefundId: 're_2',
          amount: 500,
          currency: 'USD',
          totalRefunded: 500,
          refundedAt: '2026-03-02T00:00:00.000Z',
        },
        occurredAt: '2026-03-02T00:00:00.000Z',
      },
    ]);
    expect(await posted()).toEqual([]);
  });

  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it("books a matched line's fee: expense:fees:<p> debited, provider:<p> credited, at the payout's cut-off", async () => {
    await importCsv(store, [row('po_a', 1, 'txn_1', 'charge', 1000, 59, 'ch_1')]);
    const [entry, ...more] = await posted();
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ memo: 'reconciliation:line', effectiveAt: '2026-03-03T00:00:00.000Z' });
    expect(entry.lines).toEqual(
      sorted([
        ['expense:fees:stripe', 'USD', 59, 0],
        ['provider:stripe', 'USD', 0, 59],
      ]),
    );
    await balanced();
  });

  it('books a fee returned with a refund as a negative fee (fees credited, provider debited)', async () => {
    await importCsv(store, [row('po_r', 2, 'txn_r2', 'refund', -500, -30, 're_2')]);
    const [entry] = await posted();
    expect(entry.lines).toEqual(
      sorted([
        ['expense:fees:stripe', 'USD', 0, 30],
        ['provider:stripe', 'USD', 30, 0],
      ]),
    );
    await balanced();
  });

  it("books a fee line's amount as a fee", async () => {
    await importCsv(store, [row('po_f', 4, 'txn_f', 'fee', -200, 0, '')]);
    const [entry] = await posted();
    expect(entry.lines).toEqual(
      sorted([
        ['expense:fees:stripe', 'USD', 200, 0],
        ['provider:stripe', 'USD', 0, 200],
      ]),
    );
    await balanced();
  });

  it('settles a EUR charge paid out in USD: matched on its customer-facing amount, the difference through fx:<p>, each currency balanced', async () => {
    await importCsv(store, [row('po_x', 2, 'txn_3', 'charge', 1080, 61, 'ch_3', 'USD', { amount: 1000, currency: 'EUR' })]);
    const [entry] = await posted();
    expect(entry.lines).toEqual(
      sorted([
        ['expense:fees:stripe', 'USD', 61, 0],
        ['provider:stripe', 'USD', 0, 61],
        ['provider:stripe', 'USD', 1080, 0],
        ['fx:stripe', 'USD', 0, 1080],
        ['fx:stripe', 'EUR', 1000, 0],
        ['provider:stripe', 'EUR', 0, 1000],
      ]),
    );
    // The ledger booked 1000 EUR with the provider; the provider holds USD: provider:stripe EUR is back to 0.
    expect(await net(db.pool, 'provider:stripe', 'EUR')).toBe(0);
    await balanced();
  });

  it('puts a line with no ledger fact in suspense:<p> (its net)', async () => {
    await importCsv(store, [row('po_s', 5, 'txn_9', 'charge', 700, 20, 'ch_9'), row('po_s', 5, 'txn_8', 'charge', 500, 0, 'ch_8')]);
    const [entry] = await posted();
    expect(entry.lines).toEqual(
      sorted([
        ['provider:stripe', 'USD', 1180, 0],
        ['suspense:stripe', 'USD', 0, 1180],
      ]),
    );
    expect(await net(db.pool, 'suspense:stripe', 'USD')).toBe(-1180);
    await balanced();
  });

  it('takes a line out of suspense when its fact arrives later: the exact reversal and its fee, by the fact, counted once', async () => {
    const fees = await net(db.pool, 'expense:fees:stripe', 'USD');
    await append(store, payment(9, 700, 5));
    const [entry, ...more] = await posted();
    expect(more).toEqual([]);
    // Effective when the fact happened, but never before the suspense it reverses (the payout's cut-off, the 7th).
    expect(entry).toMatchObject({ memo: 'reconciliation:late_fact', paymentId: 'p9', effectiveAt: '2026-03-07T00:00:00.000Z' });
    expect(entry.lines).toEqual(
      sorted([
        ['suspense:stripe', 'USD', 680, 0],
        ['provider:stripe', 'USD', 0, 700],
        ['expense:fees:stripe', 'USD', 20, 0],
      ]),
    );
    expect(await net(db.pool, 'suspense:stripe', 'USD')).toBe(-500);
    expect(await net(db.pool, 'expense:fees:stripe', 'USD')).toBe(fees + 20);
    await balanced();
  });

  it('a resolution moves the suspense amount to the account a person named', async () => {
    const [open] = await listBreaks(db.pool, { status: 'open', kind: 'unknown_to_ledger', now: new Date() });
    expect(open).toMatchObject({ lineId: 'txn_8' });
    await resolveBreak(db.pool, store, {
      breakId: open.breakId,
      account: 'revenue:sales',
      note: 'cash sale',
      actor: 'key_t',
      now: new Date('2026-03-20T00:00:00Z'),
    });
    const [entry] = await posted();
    expect(entry).toMatchObject({ memo: 'reconciliation:resolution', effectiveAt: '2026-03-20T00:00:00.000Z' });
    expect(entry.lines).toEqual(
      sorted([
        ['suspense:stripe', 'USD', 500, 0],
        ['revenue:sales', 'USD', 0, 500],
      ]),
    );
    expect(await net(db.pool, 'suspense:stripe', 'USD')).toBe(0);
    await balanced();
  });

  it('a payout paid moves provider:<p> to bank:<p>; failed after paid moves it back; a second paid webhook posts nothing', async () => {
    await append(store, [payoutStatus('po_p', 'paid', 5000, '2026-03-10T00:00:00.000Z', 'evt_1')]);
    const [paid] = await posted();
    expect(paid).toMatchObject({ memo: 'reconciliation:payout_paid', effectiveAt: '2026-03-10T00:00:00.000Z' });
    expect(paid.lines).toEqual(
      sorted([
        ['bank:stripe', 'USD', 5000, 0],
        ['provider:stripe', 'USD', 0, 5000],
      ]),
    );
    await append(store, [
      payoutStatus('po_p', 'paid', 5000, '2026-03-10T00:00:00.000Z', 'evt_2'),
      payoutStatus('po_p', 'failed', 5000, '2026-03-11T00:00:00.000Z', 'evt_3'),
    ]);
    const [failed, ...more] = await posted();
    expect(more).toEqual([]);
    expect(failed).toMatchObject({ memo: 'reconciliation:payout_failed' });
    expect(failed.lines).toEqual(
      sorted([
        ['provider:stripe', 'USD', 5000, 0],
        ['bank:stripe', 'USD', 0, 5000],
      ]),
    );
    expect(await net(db.pool, 'bank:stripe', 'USD')).toBe(0);
    await balanced();
  });

  it("a corrected payout reverses the previous version's postings (fee and suspense) and posts the new version's", async () => {
    await importCsv(store, [row('po_c', 3, 'txn_c1', 'charge', 1000, 30, 'ch_4'), row('po_c', 3, 'txn_c2', 'charge', 300, 0, 'ch_77')]);
    const [first] = await posted();
    expect(first.lines).toEqual(
      sorted([
        ['expense:fees:stripe', 'USD', 30, 0],
        ['provider:stripe', 'USD', 0, 30],
        ['provider:stripe', 'USD', 300, 0],
        ['suspense:stripe', 'USD', 0, 300],
      ]),
    );
    const fees = await net(db.pool, 'expense:fees:stripe', 'USD');
    await importCsv(store, [row('po_c', 3, 'txn_c1', 'charge', 1000, 35, 'ch_4')]);
    const [reversal, replacement, ...more] = await posted();
    expect(more).toEqual([]);
    expect(reversal).toMatchObject({ memo: 'reconciliation:correction' });
    expect(reversal.lines).toEqual(
      sorted([
        ['expense:fees:stripe', 'USD', 0, 30],
        ['provider:stripe', 'USD', 30, 0],
        ['provider:stripe', 'USD', 0, 300],
        ['suspense:stripe', 'USD', 300, 0],
      ]),
    );
    expect(replacement).toMatchObject({ memo: 'reconciliation:line' });
    expect(replacement.lines).toEqual(
      sorted([
        ['expense:fees:stripe', 'USD', 35, 0],
        ['provider:stripe', 'USD', 0, 35],
      ]),
    );
    expect(await net(db.pool, 'expense:fees:stripe', 'USD')).toBe(fees - 30 + 35);
    expect(await net(db.pool, 'suspense:stripe', 'USD')).toBe(0);
    await balanced();
  });

  it('a line still unknown after a correction stays in suspense once (its break open again); a version without it takes it out', async () => {
    const suspense = await net(db.pool, 'suspense:stripe', 'USD');
    const open = async () =>
      (await db.pool.query(`SELECT status FROM read_models.reconciliation_breaks WHERE line_id = 'txn_d1'`)).rows.map((r) => r.status);
    await importCsv(store, [row('po_d', 6, 'txn_d1', 'charge', 400, 0, 'ch_66'), row('po_d', 6, 'txn_d2', 'charge', 1000, 10, 'ch_1')]);
    await posted();
    expect(await net(db.pool, 'suspense:stripe', 'USD')).toBe(suspense - 400);
    await importCsv(store, [row('po_d', 6, 'txn_d1', 'charge', 400, 0, 'ch_66'), row('po_d', 6, 'txn_d2', 'charge', 1000, 12, 'ch_1')]);
    expect((await posted()).map((e) => e.memo)).toEqual(['reconciliation:correction', 'reconciliation:line']);
    expect(await net(db.pool, 'suspense:stripe', 'USD')).toBe(suspense - 400);
    expect(await open()).toEqual(['open']);
    await importCsv(store, [row('po_d', 6, 'txn_d2', 'charge', 1000, 12, 'ch_1')]);
    await posted();
    expect(await net(db.pool, 'suspense:stripe', 'USD')).toBe(suspense);
    expect(await open()).toEqual(['resolved']);
    await balanced();
  });

  it('a rebuild reading the whole history as one batch decides as the live batches did and appends no posting', async () => {
    const tables = async () =>
      Promise.all(
        ['lines ORDER BY provider, line_id', 'breaks ORDER BY break_id', 'payouts ORDER BY provider, payout_id'].map(
          async (t) => (await db.pool.query(`SELECT * FROM read_models.reconciliation_${t}`)).rows,
        ),
      );
    const before = await tables();
    const count = await postedCount(db.pool);
    // One chunk: txn_9's suspense and its late fact, the resolution, both versions of po_c share a batch.
    await rebuildProjection('reconciliation', { pool: db.pool, store, chunkSize: 5000 });
    expect(await postedCount(db.pool)).toBe(count);
    expect(await tables()).toEqual(before);
    expect(await posted()).toEqual([]);
  });
});
