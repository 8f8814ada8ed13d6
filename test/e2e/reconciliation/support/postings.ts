import { Readable } from 'node:stream';
import type { Pool } from 'pg';
import { booksProjection, queryTrialBalance } from '@ledger/books';
import { comparePositions, type PostgresEventStore } from '@ledger/event-store';
import { ProjectionRunner, readCheckpoint, type Projection } from '@ledger/projections';
import { importReport, reconciliationProjection } from '@ledger/reconciliation';
import { waitFor } from '@ledger/testing';
import { major } from '../../../../libs/reconciliation/src/testing/generate-month';

/** The reconciliation as the projector runs it, without paging anyone. */
export const reconciliation = reconciliationProjection({ stripe: 7 * 86_400, paystack: 2 * 86_400 }, async () => undefined);

/** Runs one projection with the real runner (its checkpoint, its transaction per batch) until it is at the head of its streams. */
export async function catchUp(pool: Pool, store: PostgresEventStore, projection: Projection, batchSize = 50): Promise<void> {
  const runner = new ProjectionRunner({ pool, store, projection, batchSize });
  const running = runner.run();
  try {
    await waitFor(async () => {
      const head = await store.committedHead(projection.streamPrefix ?? 'payment-');
      const { position } = await readCheckpoint(pool, projection.name);
      return !!head && comparePositions(position, head) === 0;
    }, `${projection.name} at the head of its streams`);
  } finally {
    await runner.stop();
  }
  await running;
}

/** The reconciliation (which appends its postings), then the books. */
export async function settle(pool: Pool, store: PostgresEventStore): Promise<void> {
  await catchUp(pool, store, reconciliation);
  await catchUp(pool, store, booksProjection);
}

export type Row = [account: string, currency: string, debit: number, credit: number];

export interface PostedEntry {
  readonly entryId: string;
  readonly memo: string;
  readonly paymentId: string | null;
  readonly effectiveAt: string;
  readonly lines: Row[];
}

/** The books' entries of the reconciliation's postings, in journal order, lines sorted (account, currency, side). */
export async function postedEntries(pool: Pool): Promise<PostedEntry[]> {
  const { rows } = await pool.query<{ entry_id: string; memo: string; payment_id: string | null; effective_at: Date; lines: Row[] }>(
    `SELECT e.entry_id, e.memo, e.payment_id, e.effective_at,
            (SELECT json_agg(json_build_array(l.account, l.currency, l.debit, l.credit) ORDER BY l.account, l.currency, l.debit, l.credit)
               FROM books.journal_lines l WHERE l.entry_id = e.entry_id) AS lines
       FROM books.journal_entries e WHERE e.memo LIKE 'reconciliation:%' ORDER BY e.commit_position, e.prepare_position`,
  );
  return rows.map((r) => ({
    entryId: r.entry_id,
    memo: r.memo,
    paymentId: r.payment_id,
    effectiveAt: r.effective_at.toISOString(),
    lines: r.lines.map(([a, c, d, k]) => [a, c, Number(d), Number(k)]),
  }));
}

/** Lines as the spec writes them, sorted as postedEntries sorts them. */
export const sorted = (rows: Row[]): Row[] =>
  [...rows].sort((x, y) => (x[0] + x[1]).localeCompare(y[0] + y[1]) || x[2] - y[2] || x[3] - y[3]);

/** The trial balance's difference per currency, now. */
export async function trialDifferences(pool: Pool): Promise<Record<string, string>> {
  const trial = await queryTrialBalance(pool, { now: new Date() });
  return Object.fromEntries(trial.currencies.map((c) => [c.currency, c.difference]));
}

/** Σ debits − Σ credits of one account in one currency over the whole journal. */
export async function net(pool: Pool, account: string, currency: string): Promise<number> {
  const { rows } = await pool.query<{ n: string | null }>(
    `SELECT sum(debit - credit)::text AS n FROM books.journal_lines WHERE account = $1 AND currency = $2`,
    [account, currency],
  );
  return Number(rows[0].n ?? 0);
}

/** Events appended through the store, in order, each stream from where it is (tests' payment and payout events). */
export async function append(
  store: Pick<PostgresEventStore, 'appendToStream'>,
  events: readonly { streamId: string; type: string; data: unknown; occurredAt: string }[],
): Promise<void> {
  for (const e of events) {
    await store.appendToStream(
      e.streamId,
      [
        {
          type: e.type,
          data: e.data,
          metadata: { correlationId: e.streamId, actor: 'key_test', schemaVersion: 2, occurredAt: e.occurredAt },
        },
      ],
      'any',
    );
  }
}

/** How many ReconciliationPosted the store holds. */
export async function postedCount(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM event_store.events WHERE event_type = 'ReconciliationPosted'`,
  );
  return rows[0].n;
}

const HEADER =
  'automatic_payout_id,automatic_payout_effective_at,balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,source_id,customer_facing_amount,customer_facing_currency';

/** One itemized CSV row, in March 2026; `face`: the customer-facing amount and currency of a line settled through FX. */
export function row(
  payout: string,
  day: number,
  id: string,
  category: string,
  gross: number,
  fee: number,
  source: string,
  currency = 'USD',
  face?: { amount: number; currency: string },
): string {
  return [
    payout,
    `2026-03-${String(day + 2).padStart(2, '0')} 00:00:00`,
    id,
    `2026-03-${String(day).padStart(2, '0')} 00:00:00`,
    currency.toLowerCase(),
    major(gross, currency),
    major(fee, currency),
    major(gross - fee, currency),
    category,
    source,
    face ? major(face.amount, face.currency) : '',
    face ? face.currency.toLowerCase() : '',
  ].join(',');
}

export function importCsv(store: PostgresEventStore, rows: readonly string[], now = new Date('2026-04-01T00:00:00Z')) {
  return importReport(store, {
    provider: 'stripe',
    format: 'csv',
    input: Readable.from([[HEADER, ...rows].join('\n')]),
    actor: 'key_t',
    now,
  });
}

/** A Stripe payment created and succeeded on day `day` of March 2026 (intent pi_<n>, charge ch_<n>). */
export function payment(n: number, amount: number, day: number, currency = 'USD') {
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

/** A payout webhook's status, as the payout's stream holds it. */
export function payoutStatus(payoutId: string, status: string, amount: number, at: string, evt: string, currency = 'USD') {
  return {
    streamId: `payout-stripe-${payoutId}`,
    type: 'PayoutStatusReported',
    data: { provider: 'stripe', payoutId, status, amount, currency, arrivalDate: at, providerEventId: evt, reportedAt: at },
    occurredAt: at,
  };
}
