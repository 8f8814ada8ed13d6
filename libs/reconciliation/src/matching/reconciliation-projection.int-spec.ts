import { Readable } from 'node:stream';
import { PostgresEventStore, type Position } from '@ledger/event-store';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { importReport } from '../import/import-report';
import { major } from '../testing/generate-month';
import { insertEvents, projectAll } from '../testing/project-all';
import { reconciliationProjection } from './reconciliation-projection';

const HEADER =
  'automatic_payout_id,automatic_payout_effective_at,balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,source_id';

function row(
  payout: string,
  day: number,
  id: string,
  category: string,
  gross: number,
  fee: number,
  source: string,
  currency = 'USD',
): string {
  const at = `2026-03-${String(day).padStart(2, '0')} 00:00:00`;
  return [
    payout,
    `2026-03-${String(day + 2).padStart(2, '0')} 00:00:00`,
    id,
    at,
    currency.toLowerCase(),
    major(gross, currency),
    major(fee, currency),
    major(gross - fee, currency),
    category,
    source,
  ].join(',');
}

function payment(n: number, amount: number, day: number, currency = 'USD') {
  const at = `2026-03-${String(day).padStart(2, '0')}T00:00:00.000Z`;
  return [
    {
      streamId: `payment-p${n}`,
      type: 'PaymentCreated',
      data: { paymentId: `p${n}`, provider: 'stripe', amount, currency, createdAt: at },
      occurredAt: at,
    },
    {
      streamId: `payment-p${n}`,
      type: 'PaymentSucceeded',
      data: { paymentId: `p${n}`, amount, currency, providerPaymentId: `pi_${n}`, providerChargeId: `ch_${n}`, succeededAt: at },
      occurredAt: at,
    },
  ];
}

/**
 * A database of the describe's own and the two ways in, each projected at once: a Stripe CSV imported, payment
 * events stored. Windows: Stripe 7 days, Paystack 2.
 */
function given() {
  const ctx = { db: undefined as unknown as TestDatabase, store: undefined as unknown as PostgresEventStore };
  let at: Position | undefined;
  const projection = reconciliationProjection({ stripe: 7 * 86_400, paystack: 2 * 86_400 }, async () => undefined);
  beforeAll(async () => {
    ctx.db = await createTestDatabase(4);
    ctx.store = new PostgresEventStore(ctx.db.pool, { pollIntervalMs: 5 });
  });
  afterAll(async () => {
    await ctx.store.close();
    await ctx.db.drop();
  });
  const csv = async (...rows: string[]) => {
    const result = await importReport(ctx.store, {
      provider: 'stripe',
      format: 'csv',
      input: Readable.from([[HEADER, ...rows].join('\n')]),
      actor: 'key_t',
      now: new Date('2026-04-01T00:00:00Z'),
    });
    at = await projectAll(ctx.db.pool, ctx.store, projection, at);
    return result;
  };
  const events = async (list: Parameters<typeof insertEvents>[1]) => {
    await insertEvents(ctx.db.pool, list);
    at = await projectAll(ctx.db.pool, ctx.store, projection, at);
  };
  return { ctx, csv, events };
}

describe('Reconciliation projection (given events, then breaks)', () => {
  const { ctx, csv, events } = given();
  const breaks = async () =>
    (
      await ctx.db.pool.query<{
        kind: string;
        status: string;
        closed_by: string | null;
        line_id: string | null;
        payment_id: string | null;
        payout_id: string | null;
        suspense_amount: string;
      }>(
        `SELECT kind, status, closed_by, line_id, payment_id, payout_id, suspense_amount FROM read_models.reconciliation_breaks ORDER BY kind, line_id, payment_id`,
      )
    ).rows;
  const lineStatus = async (id: string) =>
    (await ctx.db.pool.query<{ status: string }>(`SELECT status FROM read_models.reconciliation_lines WHERE line_id = $1`, [id])).rows[0]
      ?.status;

  beforeAll(async () => {
    await events([
      ...payment(1, 1000, 1),
      ...payment(2, 2000, 1),
      ...payment(3, 3000, 1, 'JPY'),
      ...payment(4, 4000, 1),
      ...payment(5, 500, 20),
    ]);
  });

  it('matches, finds unknown_to_ledger, amount_mismatch, currency_mismatch and duplicate_line, and missing_from_payout past the window', async () => {
    await csv(
      row('po_a', 1, 'txn_1', 'charge', 1000, 59, 'ch_1'),
      row('po_a', 1, 'txn_2', 'charge', 2001, 88, 'ch_2'),
      row('po_a', 1, 'txn_3', 'charge', 3000, 0, 'ch_3'),
      row('po_a', 1, 'txn_9', 'charge', 700, 20, 'ch_9'),
      row('po_a', 1, 'txn_1', 'charge', 1000, 59, 'ch_1'),
    );
    expect(await lineStatus('txn_1')).toBe('matched');
    expect((await breaks()).map((b) => [b.kind, b.line_id])).toEqual([
      ['amount_mismatch', 'txn_2'],
      ['currency_mismatch', 'txn_3'],
      ['duplicate_line', 'txn_1'],
      ['unknown_to_ledger', 'txn_9'],
    ]);
    // A USD payout effective on the 13th: p4 (succeeded on the 1st, window 7 days) is held by none.
    await csv(row('po_b', 11, 'txn_f', 'fee', -200, 0, ''));
    expect((await breaks()).filter((b) => b.kind === 'missing_from_payout').map((b) => b.payment_id)).toEqual(['p4']);
  });

  it('finds payout_sum_mismatch when the payout reported another amount than its lines’ net, and takes a failure after paid', async () => {
    await insertEvents(ctx.db.pool, [
      {
        streamId: 'payout-stripe-po_c',
        type: 'PayoutStatusReported',
        data: {
          provider: 'stripe',
          payoutId: 'po_c',
          status: 'paid',
          amount: 441,
          currency: 'USD',
          providerEventId: 'evt_1',
          reportedAt: '2026-03-22T00:00:00Z',
        },
        occurredAt: '2026-03-22T00:00:00Z',
      },
      {
        streamId: 'payout-stripe-po_c',
        type: 'PayoutStatusReported',
        data: {
          provider: 'stripe',
          payoutId: 'po_c',
          status: 'failed',
          amount: 441,
          currency: 'USD',
          providerEventId: 'evt_2',
          reportedAt: '2026-03-23T00:00:00Z',
        },
        occurredAt: '2026-03-23T00:00:00Z',
      },
    ]);
    await csv(row('po_c', 20, 'txn_5', 'charge', 500, 60, 'ch_5'));
    expect((await breaks()).filter((b) => b.kind === 'payout_sum_mismatch')).toEqual([
      expect.objectContaining({ payout_id: 'po_c', suspense_amount: '1' }),
    ]);
    const { rows } = await ctx.db.pool.query(`SELECT status, amount FROM read_models.reconciliation_payouts WHERE payout_id = 'po_c'`);
    expect(rows).toEqual([{ status: 'failed', amount: '441' }]);
  });

  it('takes a suspended line out of suspense when its ledger fact arrives later (closed late_fact), once', async () => {
    await events(payment(9, 700, 1));
    expect(await lineStatus('txn_9')).toBe('matched');
    expect((await breaks()).find((b) => b.line_id === 'txn_9')).toEqual(
      expect.objectContaining({ status: 'resolved', closed_by: 'late_fact' }),
    );
  });

  it('a corrected payout replaces its lines: breaks of the old version close as corrected', async () => {
    const corrected = await csv(
      row('po_a', 1, 'txn_1', 'charge', 1000, 59, 'ch_1'),
      row('po_a', 1, 'txn_2', 'charge', 2000, 88, 'ch_2'),
      row('po_a', 1, 'txn_9', 'charge', 700, 20, 'ch_9'),
    );
    expect(corrected).toEqual(expect.objectContaining({ newLines: 3, corrected: 1 }));
    const poA = (await breaks()).filter((b) => b.payout_id === 'po_a');
    expect(poA.filter((b) => b.status === 'open')).toEqual([]);
    expect(new Set(poA.map((b) => b.closed_by))).toEqual(new Set(['correction', 'late_fact']));
    expect(await lineStatus('txn_3')).toBeUndefined();
    for (const id of ['txn_1', 'txn_2', 'txn_9']) expect(await lineStatus(id)).toBe('matched');
    const stream = await ctx.store.readStream('payout-stripe-po_a');
    expect(stream.filter((e) => e.type !== 'PayoutLinesReported').map((e) => e.type)).toEqual(['PayoutReported', 'PayoutCorrected']);
  });
});

describe('Reconciliation projection: which payments an imported payout holds (missing_from_payout)', () => {
  const { ctx, csv, events } = given();
  const missing = async () =>
    (
      await ctx.db.pool.query<{ payment_id: string; status: string }>(
        `SELECT payment_id, status FROM read_models.reconciliation_breaks WHERE kind = 'missing_from_payout' ORDER BY payment_id`,
      )
    ).rows;
  const unheld = async () =>
    (
      await ctx.db.pool.query<{ payment_id: string }>(`SELECT payment_id FROM read_models.reconciliation_unheld ORDER BY payment_id`)
    ).rows.map((r) => r.payment_id);

  beforeAll(async () => {
    await events([
      ...payment(21, 1000, 1),
      ...payment(22, 2000, 1),
      {
        streamId: 'payment-p22',
        type: 'PaymentRefunded',
        data: {
          paymentId: 'p22',
          refundId: 'r_22',
          providerRefundId: 're_22',
          amount: 500,
          currency: 'USD',
          totalRefunded: 500,
          refundedAt: '2026-03-02T00:00:00.000Z',
        },
        occurredAt: '2026-03-02T00:00:00.000Z',
      },
    ]);
  });

  it('a payment stays held while any imported charge line names it: withdrawing another line that names it frees nothing', async () => {
    expect(await unheld()).toEqual(['p21', 'p22']);
    await csv(row('po_h1', 1, 'txn_21', 'charge', 1000, 59, 'ch_21'), row('po_h1', 1, 'txn_22', 'charge', 2000, 88, 'ch_22'));
    // po_h2 names both payments again: p21 by a second charge line, p22 by its refund (matched: it carries the payment).
    await csv(row('po_h2', 3, 'txn_21b', 'charge', 1000, 59, 'ch_21'), row('po_h2', 3, 'txn_r22', 'refund', -500, 0, 're_22'));
    expect(await unheld()).toEqual([]);
    // po_h2 corrected to a fee alone: its lines leave, but po_h1's charge lines still hold both payments.
    await csv(row('po_h2', 3, 'txn_fee2', 'fee', -100, 0, ''));
    // A later payout (effective on the 22nd, past both payments' 7-day window): neither payment is missing.
    await csv(row('po_h3', 20, 'txn_fee3', 'fee', -100, 0, ''));
    expect(await unheld()).toEqual([]);
    expect(await missing()).toEqual([]);
  });

  it('a correction that withdraws the only line naming a payment frees it: it is found missing, and a later line naming it closes that', async () => {
    // The correction is an import of its own, judged against the latest payout (po_h3, the 22nd): p21 is missing now.
    await csv(row('po_h1', 1, 'txn_22', 'charge', 2000, 88, 'ch_22'));
    expect(await missing()).toEqual([{ payment_id: 'p21', status: 'open' }]);
    expect(await unheld()).toEqual([]);
    await csv(row('po_h5', 25, 'txn_21c', 'charge', 1000, 59, 'ch_21'));
    expect(await missing()).toEqual([{ payment_id: 'p21', status: 'resolved' }]);
  });
});
