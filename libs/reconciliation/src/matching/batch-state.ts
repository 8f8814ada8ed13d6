import type { PoolClient } from 'pg';
import type { Provider } from '@ledger/payments-domain';
import type { FactIndex, PaymentRow } from './payment-facts';
import type { FactKind, PaymentFact } from './payment-fact';
import { copyNewLines } from './copy-lines';

export interface LineRow {
  provider: Provider;
  line_id: string;
  payout_id: string;
  category: string;
  currency: string;
  gross: number;
  fee: number;
  net: number;
  status: string;
  payment_id: string | null;
  break_id: string | null;
  refs: string[];
  fx_amount: number | null;
  fx_currency: string | null;
  line: unknown;
}

export interface PayoutRow {
  provider: Provider;
  payout_id: string;
  version: string | null;
  currency: string;
  amount: number | null;
  effective_at: string | null;
  status: string | null;
  line_count: number;
  lines_seen: number;
  net_sum: number;
  sum_checked: boolean;
  closes_import: boolean;
}

export interface BreakRow {
  break_id: string;
  kind: string;
  provider: Provider;
  currency: string;
  ledger_amount: number | null;
  provider_amount: number | null;
  suspense_amount: number;
  payment_id: string | null;
  payout_id: string | null;
  line_id: string | null;
  detected_at: string;
  status: string;
  closed_by: string | null;
  account: string | null;
  note: string | null;
  actor: string | null;
  closed_at: string | null;
}

const key = (kind: FactKind, reference: string) => `${kind}\u0000${reference}`;

/**
 * What one batch reads and writes, held in memory: everything the batch's events name is loaded in a few queries
 * first, folded in order, and written back with one statement per table.
 */
export class BatchState implements FactIndex {
  /** Per kind (no composite string keys: a large batch looks up hundreds of thousands of references). */
  private readonly facts: Record<FactKind, Map<string, PaymentFact>> = { charge: new Map(), refund: new Map(), dispute: new Map() };
  private readonly refs: Record<FactKind, Map<string, string>> = { charge: new Map(), refund: new Map(), dispute: new Map() };
  private readonly newRefs = new Map<string, { kind: FactKind; reference: string; canonical: string }>();
  private readonly touchedFacts = new Set<string>();
  private readonly payments = new Map<string, PaymentRow & { missingBreak?: string | null }>();
  private readonly touchedPayments = new Set<string>();
  readonly lines = new Map<string, LineRow>();
  readonly newLines = new Set<string>();
  readonly deletedLines = new Set<string>();
  /** Lines this batch loaded from the table (the others it writes are new, but for a late fact's rematch). */
  private readonly storedLines = new Set<string>();
  readonly payouts = new Map<string, PayoutRow>();
  readonly breaks = new Map<string, BreakRow>();
  /** References of facts added in this batch: suspended lines naming one are matched again (late facts). */
  readonly lateReferences = new Set<string>();

  constructor(
    readonly schema: string,
    /** When the batch's breaks close (its last event's recordedAt: the same in a rebuild). */
    readonly closedAt: string,
  ) {}

  table(name: string): string {
    return `"${this.schema}"."reconciliation_${name}"`;
  }

  /** `lines` and `payouts` as `provider|id` keys. */
  async load(tx: PoolClient, want: { refs: string[]; paymentIds: string[]; lines: string[]; payouts: string[] }): Promise<void> {
    if (want.refs.length > 0) {
      // Every reference's row carries its fact's columns (writeFacts keeps them all alike): one read, no self-join.
      // `= ANY($1::text[])`, planned with the array's real length (a set-returning function over a JSON array is
      // planned as 100 rows, so 48,000 references got 48,000 index probes: 290 ms where a hashed array over one
      // scan of the table takes 80 ms at bench:reconcile's timed point, statistics analysed).
      const { rows } = await tx.query<FactDbRow>(
        `SELECT kind, reference, canonical, payment_id, provider, amount, currency, authorized_amount, reversed, outcome,
                to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
           FROM ${this.table('facts')} WHERE reference = ANY($1::text[])`,
        [want.refs],
      );
      for (const row of rows) {
        this.refs[row.kind].set(row.reference, row.canonical);
        const facts = this.facts[row.kind];
        if (!facts.has(row.canonical)) facts.set(row.canonical, factOf(row));
      }
    }
    if (want.paymentIds.length > 0) {
      const { rows } = await tx.query(`SELECT * FROM ${this.table('payments')} WHERE payment_id = ANY($1::text[])`, [want.paymentIds]);
      for (const r of rows as PaymentDbRow[]) {
        this.payments.set(r.payment_id, {
          paymentId: r.payment_id,
          provider: r.provider,
          ...(r.currency ? { currency: r.currency } : {}),
          ...(r.amount !== null ? { amount: Number(r.amount) } : {}),
          ...(r.succeeded_at ? { succeededAt: r.succeeded_at.toISOString() } : {}),
          missingBreak: r.missing_break,
        });
      }
    }
    for (const [provider, lineIds] of byProvider(want.lines)) {
      const { rows } = await tx.query(`SELECT * FROM ${this.table('lines')} WHERE provider = $1 AND line_id = ANY($2::text[])`, [
        provider,
        lineIds,
      ]);
      for (const r of rows as LineRow[]) {
        this.lines.set(`${r.provider}|${r.line_id}`, { ...r, gross: Number(r.gross), fee: Number(r.fee), net: Number(r.net) });
        this.storedLines.add(`${r.provider}|${r.line_id}`);
      }
    }
    if (want.payouts.length > 0) {
      const { rows } = await tx.query(
        `SELECT * FROM ${this.table('payouts')} WHERE (provider, payout_id) IN (SELECT split_part(k, '|', 1), substr(k, strpos(k, '|') + 1) FROM unnest($1::text[]) k)`,
        [want.payouts],
      );
      for (const r of rows as (PayoutRow & { effective_at: Date | null })[]) {
        this.payouts.set(`${r.provider}|${r.payout_id}`, {
          ...r,
          amount: r.amount === null ? null : Number(r.amount),
          net_sum: Number(r.net_sum),
          effective_at: r.effective_at ? r.effective_at.toISOString() : null,
        });
      }
    }
  }

  payment(paymentId: string): PaymentRow | undefined {
    return this.payments.get(paymentId);
  }

  setPayment(row: PaymentRow): void {
    const old = this.payments.get(row.paymentId);
    this.payments.set(row.paymentId, { missingBreak: null, ...old, ...row });
    this.touchedPayments.add(row.paymentId);
  }

  /**
   * A charge or payment line placed in this batch names the payment: an imported payout holds it. Whether a payment is
   * held is what the stored lines say (reconciliation_lines.payment_id); this only keeps reconciliation_unheld in step.
   */
  holdPayment(paymentId: string): void {
    this.holds.add(paymentId);
  }

  /** A line that named the payment was withdrawn (a correction): unless another line still names it, it is unheld again. */
  releasePayment(paymentId: string): void {
    this.releases.add(paymentId);
  }

  private readonly holds = new Set<string>();
  private readonly releases = new Set<string>();

  fact(kind: FactKind, reference: string): PaymentFact | undefined {
    const canonical = this.refs[kind].get(reference);
    return canonical === undefined ? undefined : this.facts[kind].get(canonical);
  }

  putFact(fact: PaymentFact, references: readonly (string | undefined)[]): void {
    this.facts[fact.kind].set(fact.reference, fact);
    this.touchedFacts.add(key(fact.kind, fact.reference));
    for (const reference of [fact.reference, ...references]) {
      if (!reference) continue;
      const k = key(fact.kind, reference);
      if (this.refs[fact.kind].get(reference) === fact.reference) continue;
      this.refs[fact.kind].set(reference, fact.reference);
      this.newRefs.set(k, { kind: fact.kind, reference, canonical: fact.reference });
      this.lateReferences.add(reference);
    }
  }

  async write(tx: PoolClient): Promise<void> {
    await this.writeFacts(tx);
    await this.upsert(
      tx,
      'payments',
      ['payment_id'],
      [...this.touchedPayments].map((id) => paymentDbRow(this.payments.get(id)!)),
    );
    if (this.deletedLines.size > 0) {
      const ids = [...this.deletedLines].filter((k) => !this.newLines.has(k));
      await tx.query(
        `DELETE FROM ${this.table('lines')} WHERE (provider, line_id) IN (SELECT split_part(k, '|', 1), substr(k, strpos(k, '|') + 1) FROM unnest($1::text[]) k)`,
        [ids],
      );
    }
    const stored: LineRow[] = [];
    const fresh: LineRow[] = [];
    for (const k of this.newLines) (this.storedLines.has(k) ? stored : fresh).push(this.lines.get(k)!);
    await this.upsertLines(tx, stored);
    if (!(await copyNewLines(tx, this.table('lines'), fresh))) await this.upsertLines(tx, fresh);
    await this.upsert(tx, 'payouts', ['provider', 'payout_id'], [...this.payouts.values()]);
    await this.upsert(tx, 'breaks', ['break_id'], [...this.breaks.values()]);
    await this.writeUnheld(tx);
  }

  /**
   * reconciliation_unheld after the batch's lines are written: a succeeded payment is in it while no stored charge or
   * payment line names it and no missing_from_payout break was raised for it. The bulk (a report's charge lines) is
   * one DELETE by key; payments that succeeded or were released in this batch are judged against the lines.
   */
  private async writeUnheld(tx: PoolClient): Promise<void> {
    if (this.holds.size > 0) {
      const holds = [...this.holds];
      await tx.query(`DELETE FROM ${this.table('unheld')} WHERE payment_id = ANY($1::text[])`, [holds]);
      // A payment found missing is no longer missing once an imported payout holds it: its break closes. Read from the
      // open breaks (few), not from the held payments (a report's worth).
      await tx.query(
        `UPDATE ${this.table('breaks')} b SET status = 'resolved', closed_by = 'late_line', closed_at = $2
          WHERE b.status = 'open' AND b.kind = 'missing_from_payout' AND b.payment_id = ANY($1::text[])
            AND EXISTS (SELECT 1 FROM ${this.table('lines')} l WHERE l.payment_id = b.payment_id AND l.category IN ('charge', 'payment'))`,
        [holds, this.closedAt],
      );
    }
    const judged = new Set(this.releases);
    for (const id of this.touchedPayments) if (this.payments.get(id)?.succeededAt) judged.add(id);
    if (judged.size === 0) return;
    await tx.query(
      `INSERT INTO ${this.table('unheld')} (payment_id, provider, currency, amount, succeeded_at)
       SELECT p.payment_id, p.provider, p.currency, p.amount, p.succeeded_at FROM ${this.table('payments')} p
        WHERE p.payment_id = ANY($1::text[]) AND p.succeeded_at IS NOT NULL AND p.currency IS NOT NULL AND p.amount IS NOT NULL
          AND p.missing_break IS NULL
          AND NOT EXISTS (SELECT 1 FROM ${this.table('lines')} l WHERE l.payment_id = p.payment_id AND l.category IN ('charge', 'payment'))
       ON CONFLICT (payment_id) DO UPDATE SET provider = EXCLUDED.provider, currency = EXCLUDED.currency, amount = EXCLUDED.amount,
         succeeded_at = EXCLUDED.succeeded_at`,
      [[...judged]],
    );
  }

  private async writeFacts(tx: PoolClient): Promise<void> {
    const rows = [...this.newRefs.values()].map(({ kind, reference, canonical }) => factDbRow(this.facts[kind].get(canonical)!, reference));
    await this.upsert(tx, 'facts', ['kind', 'reference'], rows);
    const changed = [...this.touchedFacts].map((k) => {
      const [kind, reference] = k.split('\u0000') as [FactKind, string];
      const fact = this.facts[kind].get(reference)!;
      return factDbRow(fact, fact.reference);
    });
    if (changed.length === 0) return;
    await tx.query(
      `UPDATE ${this.table('facts')} f SET payment_id = c.payment_id, provider = c.provider, amount = c.amount, currency = c.currency,
              authorized_amount = c.authorized_amount, reversed = c.reversed, outcome = c.outcome, at = c.at
         FROM jsonb_populate_recordset(null::${this.table('facts')}, $1::jsonb) c WHERE f.kind = c.kind AND f.canonical = c.canonical`,
      [JSON.stringify(changed)],
    );
  }

  /** The lines, the batch's bulk, as one array per column (cheaper than a JSON document of 100,000 rows). */
  private async upsertLines(tx: PoolClient, rows: readonly LineRow[]): Promise<void> {
    if (rows.length === 0) return;
    const col = <T>(pick: (r: LineRow) => T) => rows.map(pick);
    await tx.query(
      `INSERT INTO ${this.table('lines')} (provider, line_id, payout_id, category, currency, gross, fee, net, status, payment_id, break_id,
         fx_amount, fx_currency, refs, line)
       SELECT t.provider, t.line_id, t.payout_id, t.category, t.currency, t.gross, t.fee, t.net, t.status, t.payment_id, t.break_id,
              t.fx_amount, t.fx_currency, coalesce(r.refs, '{}'), r.line
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::text[],
                     $10::text[], $11::text[], $12::bigint[], $13::text[]) WITH ORDINALITY
           AS t(provider, line_id, payout_id, category, currency, gross, fee, net, status, payment_id, break_id, fx_amount, fx_currency, n)
         LEFT JOIN jsonb_to_recordset($14::jsonb) AS r(n bigint, refs text[], line jsonb) ON r.n = t.n
       ON CONFLICT (provider, line_id) DO UPDATE SET payout_id = EXCLUDED.payout_id, category = EXCLUDED.category,
         currency = EXCLUDED.currency, gross = EXCLUDED.gross, fee = EXCLUDED.fee, net = EXCLUDED.net, status = EXCLUDED.status,
         payment_id = EXCLUDED.payment_id, break_id = EXCLUDED.break_id, fx_amount = EXCLUDED.fx_amount,
         fx_currency = EXCLUDED.fx_currency, refs = EXCLUDED.refs, line = EXCLUDED.line`,
      [
        col((r) => r.provider),
        col((r) => r.line_id),
        col((r) => r.payout_id),
        col((r) => r.category),
        col((r) => r.currency),
        col((r) => r.gross),
        col((r) => r.fee),
        col((r) => r.net),
        col((r) => r.status),
        col((r) => r.payment_id),
        col((r) => r.break_id),
        col((r) => r.fx_amount),
        col((r) => r.fx_currency),
        // Only suspended lines carry references and content (the rest: empty, null).
        JSON.stringify(rows.flatMap((r, i) => (r.line === null ? [] : [{ n: i + 1, refs: r.refs, line: r.line }]))),
      ],
    );
  }

  /** One INSERT … ON CONFLICT per table: rows as JSON, populated into the table's row type. */
  async upsert(tx: PoolClient, name: string, keys: readonly string[], rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]);
    const set = columns.filter((c) => !keys.includes(c)).map((c) => `${c} = EXCLUDED.${c}`);
    await tx.query(
      `INSERT INTO ${this.table(name)} (${columns.join(', ')})
       SELECT ${columns.join(', ')} FROM jsonb_populate_recordset(null::${this.table(name)}, $1::jsonb)
       ON CONFLICT (${keys.join(', ')}) DO ${set.length > 0 ? `UPDATE SET ${set.join(', ')}` : 'NOTHING'}`,
      [JSON.stringify(rows)],
    );
  }
}

interface FactDbRow {
  kind: FactKind;
  reference: string;
  canonical: string;
  payment_id: string;
  provider: Provider;
  amount: string;
  currency: string;
  authorized_amount: string | null;
  reversed: boolean;
  outcome: string | null;
  /** ISO 8601 in UTC, as toISOString writes it. */
  at: string;
}

interface PaymentDbRow {
  payment_id: string;
  provider: Provider;
  currency: string | null;
  amount: string | null;
  succeeded_at: Date | null;
  missing_break: string | null;
}

/** `provider|id` keys, the ids grouped by provider. */
function byProvider(keys: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const k of keys) {
    const bar = k.indexOf('|');
    const provider = k.slice(0, bar);
    let ids = groups.get(provider);
    if (!ids) groups.set(provider, (ids = []));
    ids.push(k.slice(bar + 1));
  }
  return groups;
}

/** The fact a reference's row names (its canonical reference), with the columns every row of that fact shares. */
function factOf(row: FactDbRow): PaymentFact {
  return {
    reference: row.canonical,
    kind: row.kind,
    paymentId: row.payment_id,
    provider: row.provider,
    amount: Number(row.amount),
    currency: row.currency,
    ...(row.authorized_amount !== null ? { authorizedAmount: Number(row.authorized_amount) } : {}),
    ...(row.reversed ? { reversed: true } : {}),
    ...(row.outcome ? { outcome: row.outcome } : {}),
    at: row.at,
  };
}

function factDbRow(fact: PaymentFact, reference: string): Record<string, unknown> {
  return {
    kind: fact.kind,
    reference,
    canonical: fact.reference,
    payment_id: fact.paymentId,
    provider: fact.provider,
    amount: fact.amount,
    currency: fact.currency,
    authorized_amount: fact.authorizedAmount ?? null,
    reversed: fact.reversed ?? false,
    outcome: fact.outcome ?? null,
    at: fact.at,
  };
}

function paymentDbRow(row: PaymentRow & { missingBreak?: string | null }): Record<string, unknown> {
  return {
    payment_id: row.paymentId,
    provider: row.provider,
    currency: row.currency ?? null,
    amount: row.amount ?? null,
    succeeded_at: row.succeededAt ?? null,
    missing_break: row.missingBreak ?? null,
  };
}
