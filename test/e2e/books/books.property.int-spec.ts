import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import {
  BOOKS_PERIODS_STREAM,
  booksProjection,
  closeOf,
  closePeriod,
  journalLinesHash,
  periodStart,
  nextPeriod,
  queryBalances,
  queryTrialBalance,
} from '@ledger/books';
import { PostgresEventStore, START, type Position, type RecordedEvent } from '@ledger/event-store';
import {
  decide,
  evolve,
  initialState,
  isDomainError,
  paymentStreamId,
  type PaymentCommand,
  type PaymentEvent,
  type PaymentState,
} from '@ledger/payments-domain';
import { withTransaction } from '@ledger/platform';
import { ledgerProjection } from '@ledger/projections';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';

/**
 * Issue 31, "Done when": random payment histories (every money event, interleaved across payments, mismatches in
 * another currency, reviews, late events after closes) projected in random batches by the ledger and the books;
 * after every batch the trial balance's difference is 0 per currency; at the end, per provider and currency, the
 * books equal the dashboard's read model (read_models.payment_metrics, what GET /v1/dashboard/payments sums) and
 * every closed period still shows the balances and journal hash its close recorded.
 */
const MONTHS = ['2026-01', '2026-02', '2026-03'];
const NOW = new Date('2026-06-01T00:00:00Z');

const cmd = (i: number) =>
  fc.oneof(
    fc.constant({ type: 'StartProcessing', data: {} }),
    fc.constant({ type: 'MarkPaymentSucceeded', data: {} }),
    fc.integer({ min: 1, max: 12_000 }).map((amount) => ({ type: 'MarkPaymentSucceeded', data: { amount } })),
    fc.constant({ type: 'MarkPaymentFailed', data: { errorCode: 'declined' } }),
    fc.record({ amount: fc.integer({ min: 1, max: 6_000 }), r: fc.constantFrom('re_1', 're_2', 're_3') }).map(({ amount, r }) => ({
      type: 'RefundPayment',
      data: { refundId: `${r}_${i}`, providerRefundId: r, amount, reportedByProvider: true },
    })),
    fc.integer({ min: 0, max: 15_000 }).map((reportedTotal) => ({ type: 'ReportRefundTotal', data: { reportedTotal } })),
    fc.record({ amount: fc.integer({ min: 1, max: 6_000 }), r: fc.constantFrom('re_1', 're_2') }).map(({ amount, r }) => ({
      type: 'ReverseRefund',
      data: { refundId: r, providerRefundId: r, amount },
    })),
    fc
      .record({ amount: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }), d: fc.constantFrom('dp_1', 'dp_2') })
      .map(({ amount, d }) => ({
        type: 'OpenDispute',
        data: { disputeId: d, providerDisputeId: `p${d}`, reason: 'fraudulent', amount, reportedByProvider: true },
      })),
    fc
      .record({ d: fc.constantFrom('dp_1', 'dp_2'), outcome: fc.constantFrom('won', 'lost', 'warning_closed', 'prevented') })
      .map(({ d, outcome }) => ({
        type: 'CloseDispute',
        data: { disputeId: d, outcome },
      })),
    fc
      .record({
        amount: fc.integer({ min: 1, max: 12_000 }),
        currency: fc.constantFrom('USD', 'EUR', 'NGN'),
        m: fc.constantFrom('m1', 'm2'),
      })
      .map(({ amount, currency, m }) => ({
        type: 'ReportProviderMismatch',
        data: {
          mismatchId: `payment:${m}`,
          subject: 'payment',
          kind: 'amount',
          holds: true,
          provider: { amount, currency, references: [m] },
        },
      })),
    fc
      .constantFrom('accept_provider', 'refund', 'write_off')
      .map((decision) => ({ type: 'ReviewMismatch', data: { decision, note: 'checked' } })),
    fc.constant({ type: 'FlagFraud', data: { reason: 'velocity' } }),
  );

const scenario = fc.record({
  payments: fc.array(
    fc.record({
      provider: fc.constantFrom('stripe', 'paystack'),
      currency: fc.constantFrom('USD', 'NGN'),
      amount: fc.integer({ min: 100, max: 10_000 }),
      // Most payments are paid at once (random commands rarely walk the happy path on their own).
      paid: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  steps: fc.array(
    fc.record({
      payment: fc.nat(4),
      command: cmd(0),
      month: fc.nat(2),
      day: fc.integer({ min: 1, max: 28 }),
      project: fc.boolean(),
      close: fc.integer({ min: 0, max: 5 }),
    }),
    { minLength: 10, maxLength: 80 },
  ),
});

interface Harness {
  readonly db: TestDatabase;
  readonly store: PostgresEventStore;
  applied: Position;
}

async function project(h: Harness): Promise<number> {
  const events: RecordedEvent[] = await h.store.readAll({
    after: h.applied === START ? undefined : h.applied,
    maxCount: 10_000,
    streamPrefix: 'payment-',
  });
  if (events.length === 0) return 0;
  await withTransaction(h.db.pool, async (tx) => {
    await ledgerProjection.apply(tx, events, { schema: 'read_models', store: h.store });
    await booksProjection.apply(tx, events, { schema: 'books', store: h.store });
  });
  h.applied = events[events.length - 1].position;
  return events.length;
}

async function expectBalancedBooks(h: Harness): Promise<void> {
  const trial = await queryTrialBalance(h.db.pool, { asOf: new Date('2100-01-01T00:00:00Z'), now: NOW });
  for (const c of trial.currencies)
    expect({ currency: c.currency, difference: c.difference }).toEqual({ currency: c.currency, difference: '0' });
}

describe('Books over random payment histories', () => {
  it('balance after every batch, equal the dashboard per provider and currency, and keep closed periods unchanged', async () => {
    const seen: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(scenario, async ({ payments, steps }) => {
        const db = await createTestDatabase(6);
        try {
          const h: Harness = { db, store: new PostgresEventStore(db.pool), applied: START };
          const states = new Map<number, { state: PaymentState; revision: bigint }>();
          let closed = 0;
          for (const [n, step] of steps.entries()) {
            const index = step.payment % payments.length;
            const p = payments[index];
            const paymentId = `pay_${index}`;
            const now = new Date(`${MONTHS[step.month]}-${String(step.day).padStart(2, '0')}T12:00:00Z`);
            const current = states.get(index);
            const commands = (
              current
                ? [
                    {
                      ...step.command,
                      data: {
                        ...step.command.data,
                        paymentId,
                        ...('refundId' in step.command.data ? { refundId: `${step.command.data.refundId}_${n}` } : {}),
                      },
                      now,
                    },
                  ]
                : [
                    { type: 'CreatePayment', data: { paymentId, provider: p.provider, amount: p.amount, currency: p.currency }, now },
                    ...(p.paid
                      ? [
                          { type: 'StartProcessing', data: { paymentId }, now },
                          { type: 'MarkPaymentSucceeded', data: { paymentId }, now },
                        ]
                      : []),
                  ]
            ) as PaymentCommand[];
            let state = current?.state ?? initialState();
            const events: PaymentEvent[] = [];
            try {
              for (const command of commands) {
                const decided = decide(command, state);
                events.push(...decided);
                state = decided.reduce(evolve, state);
              }
            } catch (error) {
              if (!isDomainError(error)) throw error;
            }
            if (events.length === 0) continue;
            const metadata = { actor: 'test', correlationId: randomUUID(), occurredAt: now.toISOString(), schemaVersion: 2 };
            const expected = current ? current.revision : ('no_stream' as const);
            const result = await h.store.appendToStream(
              paymentStreamId(paymentId),
              events.map((e) => ({ ...e, eventId: randomUUID(), metadata })),
              expected,
            );
            states.set(index, { state, revision: result.nextExpectedRevision });
            if (step.project && (await project(h)) > 0) await expectBalancedBooks(h);
            if (step.close === 0 && closed < MONTHS.length) {
              await project(h);
              const outcome = await closePeriod({
                pool: db.pool,
                store: h.store,
                period: MONTHS[closed],
                now: NOW,
                actor: 'test',
                checkpoint: { read: async () => h.applied, lock: async () => h.applied },
              });
              expect(outcome.closed).toBe(true);
              closed += 1;
            }
          }
          await project(h);
          await expectBalancedBooks(h);
          const reached = await db.pool.query<{ late: number; foreign: number; reversed: number; lost: number }>(
            `SELECT count(*) FILTER (WHERE e.late)::int AS late,
                    count(*) FILTER (WHERE l.account LIKE 'suspense:%' AND l.currency = 'EUR')::int AS foreign,
                    count(*) FILTER (WHERE e.memo = 'refund reversed')::int AS reversed,
                    count(*) FILTER (WHERE l.account = 'expense:dispute_losses')::int AS lost
               FROM books.journal_entries e JOIN books.journal_lines l USING (entry_id)`,
          );
          for (const [k, v] of Object.entries(reached.rows[0])) seen[k] = (seen[k] ?? 0) + v;
          seen.closes = (seen.closes ?? 0) + closed;

          // Per provider and currency, the books equal the dashboard's read model.
          const metrics = await db.pool.query<{ provider: string; currency: string; s: string; r: string; d: string; l: string }>(
            `SELECT provider, currency, volume_succeeded::text AS s, volume_refunded::text AS r, volume_disputed::text AS d, volume_dispute_losses::text AS l
               FROM read_models.payment_metrics`,
          );
          const books = await db.pool.query<{ provider: string; account: string; currency: string; net: string }>(
            `SELECT e.provider, l.account, l.currency, sum(l.debit - l.credit)::text AS net
               FROM books.journal_lines l JOIN books.journal_entries e USING (entry_id) GROUP BY 1, 2, 3`,
          );
          const net = (provider: string, account: string, currency: string) =>
            BigInt(books.rows.find((r) => r.provider === provider && r.account === account && r.currency === currency)?.net ?? '0');
          const keys = new Set([
            ...metrics.rows.map((m) => `${m.provider}|${m.currency}`),
            ...books.rows.map((b) => `${b.provider}|${b.currency}`),
          ]);
          for (const key of keys) {
            const [provider, currency] = key.split('|');
            const m = metrics.rows.find((r) => r.provider === provider && r.currency === currency);
            const [s, r, d, l] = [m?.s, m?.r, m?.d, m?.l].map((v) => BigInt(v ?? '0'));
            const held = -net(provider, `suspense:${provider}`, currency);
            expect({ key, sales: -net(provider, 'revenue:sales', currency) }).toEqual({ key, sales: s });
            expect({ key, refunds: net(provider, 'revenue:refunds', currency) }).toEqual({ key, refunds: r });
            expect({ key, losses: net(provider, 'expense:dispute_losses', currency) }).toEqual({ key, losses: l });
            expect({ key, disputed: net(provider, `provider:${provider}:disputed`, currency) }).toEqual({ key, disputed: d });
            expect({ key, provider: net(provider, `provider:${provider}`, currency) }).toEqual({ key, provider: s - r - d - l + held });
          }

          // Closed periods never change: their balances and journal hash are what the close recorded.
          for (const recorded of await h.store.readStream(BOOKS_PERIODS_STREAM)) {
            const { period, data } = closeOf(recorded);
            const end = periodStart(nextPeriod(period));
            const asOf = new Date(end.getTime() - 1);
            const closing = data.balances.filter((b) => b.debits !== '0' || b.credits !== '0').map((b) => expect.objectContaining(b));
            // On the effective clock alone and on both clocks, the closed period shows what its close recorded.
            const oneClock = await queryBalances(db.pool, { asOf, now: NOW });
            expect({ period, balances: oneClock }).toEqual({ period, balances: closing });
            const bothClocks = await queryBalances(db.pool, { asOf, knownAt: new Date('2100-01-01T00:00:00Z'), now: NOW });
            expect({ period, balances: bothClocks }).toEqual({ period, balances: closing });
            const { rows } = await db.pool.query(
              `SELECT l.entry_id, l.line_no, l.account, l.currency, l.debit::text, l.credit::text, l.effective_at, e.late
                 FROM books.journal_lines l JOIN books.journal_entries e USING (entry_id) WHERE l.period = $1
                ORDER BY l.commit_position, l.prepare_position, l.line_no`,
              [period],
            );
            const hash = journalLinesHash(
              rows.map((r) => ({
                entryId: r.entry_id,
                lineNo: r.line_no,
                account: r.account,
                currency: r.currency,
                debit: r.debit,
                credit: r.credit,
                effectiveAt: r.effective_at.toISOString(),
                late: r.late,
              })),
            );
            expect({ period, hash }).toEqual({ period, hash: data.journalHash });
          }
        } finally {
          await db.drop();
        }
      }),
      { seed: Number(process.env.FC_SEED ?? 31), numRuns: Number(process.env.FC_RUNS ?? 30) },
    );
    // The runs reached what they are meant to test: closes, late entries, suspense in another currency, reversals, losses.
    for (const what of ['closes', 'late', 'foreign', 'reversed', 'lost'])
      expect({ what, reached: (seen[what] ?? 0) > 0 }).toEqual({ what, reached: true });
  }, 300_000);
});
