import { createHash } from 'node:crypto';
import type { EventStore, RecordedEvent } from '@ledger/event-store';
import { isPaymentEventType, isPaymentStream, type Provider } from '@ledger/payments-domain';
import type { PoolClient } from 'pg';
import { reconciliationBreakAlerts, writeToOutbox } from '@ledger/monitoring';
import {
  PAYOUT_STREAM_PREFIX,
  isPayoutEventType,
  type PayoutCorrected,
  type PayoutLinesReported,
  type PayoutReported,
  type PayoutStatusReported,
  type ReconciliationBreakResolved,
} from '../events/payout-events';
import type { ReportedLine } from '../formats/reported-line';
import type { BreakKind } from '../breaks/break-kinds';
import { BatchState, type BreakRow } from './batch-state';
import { matchLine } from './match-line';
import { foldPaymentEvent } from './payment-facts';
import { DEFAULT_SETTLEMENT_WINDOWS, type SettlementWindows } from './settlement-windows';

/** The projection runner's shape (libs/projections Projection), structurally: this lib does not depend on the runner. */
export interface ReconciliationProjection {
  readonly name: string;
  readonly tables: readonly string[];
  /** Payment and payout streams both start with it. */
  readonly streamPrefix: string;
  apply(
    tx: PoolClient,
    events: readonly RecordedEvent[],
    target: { schema: string; store?: Pick<EventStore, 'readStream'> },
  ): Promise<void>;
}

export const RECONCILIATION_TABLES = [
  'reconciliation_facts',
  'reconciliation_payments',
  'reconciliation_payouts',
  'reconciliation_lines',
  'reconciliation_breaks',
];

/** Called with the breaks a batch of the live tables raised, inside the batch's transaction. */
export type OnBreaks = (tx: PoolClient, breaks: readonly BreakRow[]) => Promise<void>;

const READ_MODELS_SCHEMA = 'read_models';
/** A break detected longer ago than this is history being replayed (a catch-up, a rebuild's tail): it pages no one. */
const REPLAY_HORIZON_MS = 24 * 3600_000;

/** One reconciliation_break alert per break, through the alert outbox, for breaks detected recently. */
export async function pageLiveBreaks(tx: PoolClient, breaks: readonly BreakRow[], now = new Date()): Promise<void> {
  const recent = breaks.filter((b) => now.getTime() - Date.parse(b.detected_at) <= REPLAY_HORIZON_MS);
  await writeToOutbox(tx, reconciliationBreakAlerts(recent, now));
}

/**
 * Matches every line of the imported payouts to the ledger's facts, by reporting category, and keeps the breaks.
 * It reads the payment events too and keeps its own index of what they recorded, so a rebuild matches as the live
 * run did. Its own checkpoint; `streamPrefix` 'pay' covers `payment-*` and `payout-*`.
 */
export function reconciliationProjection(
  windows: SettlementWindows = DEFAULT_SETTLEMENT_WINDOWS,
  onBreaks: OnBreaks = pageLiveBreaks,
): ReconciliationProjection {
  return {
    name: 'reconciliation',
    tables: RECONCILIATION_TABLES,
    streamPrefix: 'pay',
    async apply(tx, events, { schema }) {
      const ours = events.filter((e) => isPaymentStream(e.streamId) || e.streamId.startsWith(PAYOUT_STREAM_PREFIX));
      if (ours.length === 0) return;
      const state = new BatchState(schema, ours[ours.length - 1].recordedAt.toISOString());
      for (const e of ours) {
        if (e.streamId.startsWith(PAYOUT_STREAM_PREFIX) ? !isPayoutEventType(e.type) : !isPaymentEventType(e.type)) {
          throw new Error(`reconciliation cannot apply ${e.type} on ${e.streamId}`);
        }
      }
      await state.load(tx, wanted(ours));
      const run = new BatchRun(state, tx, windows);
      for (const e of ours) await run.apply(e);
      await run.lateFacts(ours);
      await state.write(tx);
      await run.missingFromPayouts(ours);
      if (schema === READ_MODELS_SCHEMA) {
        await onBreaks(
          tx,
          [...state.breaks.values()].filter((b) => run.raised.has(b.break_id)),
        );
      }
    },
  };
}

function wanted(events: readonly RecordedEvent[]): { refs: string[]; paymentIds: string[]; lineIds: string[]; payouts: string[] } {
  const refs = new Set<string>();
  const paymentIds = new Set<string>();
  const lineIds = new Set<string>();
  const payouts = new Set<string>();
  for (const e of events) {
    const d = e.data as Record<string, unknown>;
    if (typeof d.paymentId === 'string') paymentIds.add(d.paymentId);
    for (const k of ['refundId', 'providerRefundId', 'disputeId', 'providerDisputeId']) if (typeof d[k] === 'string') refs.add(d[k]);
    if (typeof d.payoutId === 'string') payouts.add(`${String(d.provider)}|${d.payoutId}`);
    if (e.type === 'PayoutLinesReported') {
      for (const line of (e.data as PayoutLinesReported['data']).lines) {
        lineIds.add(line.lineId);
        for (const r of lineRefs(line)) refs.add(r);
      }
    }
  }
  return { refs: [...refs], paymentIds: [...paymentIds], lineIds: [...lineIds], payouts: [...payouts] };
}

function lineRefs(line: ReportedLine): string[] {
  return [line.paymentId, line.chargeId, line.paymentIntentId, line.sourceId].filter((r): r is string => !!r);
}

export function breakIdOf(...parts: string[]): string {
  return `brk_${createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 24)}`;
}

class BatchRun {
  readonly raised = new Set<string>();

  constructor(
    private readonly state: BatchState,
    private readonly tx: PoolClient,
    private readonly windows: SettlementWindows,
  ) {}

  async apply(e: RecordedEvent): Promise<void> {
    switch (e.type) {
      case 'PayoutReported':
      case 'PayoutCorrected':
        await this.header(e, e.data as PayoutReported['data'] | PayoutCorrected['data']);
        return;
      case 'PayoutLinesReported':
        this.lines(e, e.data as PayoutLinesReported['data']);
        return;
      case 'PayoutStatusReported':
        this.status(e.data as PayoutStatusReported['data']);
        return;
      case 'ReconciliationBreakResolved':
        await this.resolution(e.data as ReconciliationBreakResolved['data']);
        return;
      default:
        foldPaymentEvent(this.state, e);
    }
  }

  private async header(e: RecordedEvent, d: PayoutReported['data']): Promise<void> {
    const k = `${d.provider}|${d.payoutId}`;
    const old = this.state.payouts.get(k);
    if (e.type === 'PayoutCorrected') await this.withdraw(d.provider, d.payoutId, e);
    this.state.payouts.set(k, {
      provider: d.provider,
      payout_id: d.payoutId,
      version: d.version,
      currency: d.currency,
      amount: d.amount ?? old?.amount ?? null,
      effective_at: d.effectiveAt,
      status: old?.status ?? null,
      line_count: d.lineCount,
      lines_seen: 0,
      net_sum: 0,
      sum_checked: false,
      closes_import: d.importIndex === d.importSize - 1,
    });
    if (d.lineCount === 0) this.completed(k, e);
  }

  /** A corrected payout's previous lines leave: their breaks close as corrected, the payments they held are free. */
  private async withdraw(provider: Provider, payoutId: string, e: RecordedEvent): Promise<void> {
    const { rows } = await this.tx.query<{ line_id: string }>(
      `SELECT line_id FROM ${this.state.table('lines')} WHERE provider = $1 AND payout_id = $2`,
      [provider, payoutId],
    );
    const { rows: open } = await this.tx.query<BreakRow>(
      `SELECT * FROM ${this.state.table('breaks')} WHERE provider = $1 AND payout_id = $2 AND status = 'open'`,
      [provider, payoutId],
    );
    const ids = rows.map((r) => r.line_id);
    await this.state.load(this.tx, { refs: [], paymentIds: [], lineIds: ids, payouts: [] });
    for (const [k, line] of this.state.lines) {
      if (line.provider !== provider || line.payout_id !== payoutId) continue;
      if (line.payment_id && line.status === 'matched') this.state.holdPayment(line.payment_id, null);
      this.state.lines.delete(k);
      this.state.newLines.delete(k);
      this.state.deletedLines.add(k);
    }
    for (const b of open) this.close({ ...rowDates(b) }, 'correction', e.recordedAt.toISOString());
    for (const b of this.state.breaks.values()) {
      if (b.provider === provider && b.payout_id === payoutId && b.status === 'open')
        this.close(b, 'correction', e.recordedAt.toISOString());
    }
  }

  private lines(e: RecordedEvent, d: PayoutLinesReported['data']): void {
    const k = `${d.provider}|${d.payoutId}`;
    const payout = this.state.payouts.get(k);
    if (!payout || payout.version !== d.version) throw new Error(`lines of ${k} version ${d.version} before its header`);
    const detectedAt = e.recordedAt.toISOString();
    for (const line of d.lines) {
      payout.lines_seen += 1;
      if (!['payout', 'payout_reversal', 'payout_failure'].includes(line.category)) payout.net_sum += line.net;
      const lineKey = `${d.provider}|${line.lineId}`;
      if (this.state.lines.has(lineKey)) {
        this.raise({
          break_id: breakIdOf('duplicate_line', d.provider, d.payoutId, line.lineId, d.version, String(payout.lines_seen)),
          kind: 'duplicate_line',
          provider: d.provider,
          currency: line.currency,
          provider_amount: line.gross,
          ledger_amount: null,
          suspense_amount: line.net,
          payment_id: this.state.lines.get(lineKey)?.payment_id ?? null,
          payout_id: d.payoutId,
          line_id: line.lineId,
          detected_at: detectedAt,
        });
        continue;
      }
      this.placeLine(d.provider, line, detectedAt);
    }
    if (payout.lines_seen >= payout.line_count) this.completed(k, e);
  }

  /** Every line of a payout is in: its sum is checked, and when it closes its import, missing payments are looked for. */
  private completed(k: string, e: RecordedEvent): void {
    this.checkSum(k, e);
    if (this.state.payouts.get(k)?.closes_import) this.importsClosed += 1;
  }

  importsClosed = 0;

  private placeLine(provider: Provider, line: ReportedLine, detectedAt: string): void {
    const outcome = matchLine(line, (refs, kind) => {
      for (const r of refs) {
        const fact = r ? this.state.fact(kind, r) : undefined;
        if (fact && fact.provider === provider) return fact;
      }
      return undefined;
    });
    const lineKey = `${provider}|${line.lineId}`;
    let breakId: string | null = null;
    if (outcome.status === 'break') {
      breakId = breakIdOf(outcome.kind, provider, line.payoutId, line.lineId);
      this.raise({
        break_id: breakId,
        kind: outcome.kind,
        provider,
        currency: line.currency,
        provider_amount: line.gross,
        ledger_amount: outcome.ledgerAmount ?? null,
        suspense_amount: line.net,
        payment_id: outcome.paymentId ?? null,
        payout_id: line.payoutId,
        line_id: line.lineId,
        detected_at: detectedAt,
      });
    }
    const paymentId = outcome.status === 'matched' || outcome.status === 'break' ? (outcome.paymentId ?? null) : null;
    // A payout holds the payment when a charge line names it, explained or not (a mismatch is its own break).
    if (paymentId && ['charge', 'payment'].includes(line.category)) this.state.holdPayment(paymentId, line.lineId);
    this.state.lines.set(lineKey, {
      provider,
      line_id: line.lineId,
      payout_id: line.payoutId,
      category: line.category,
      currency: line.currency,
      gross: line.gross,
      fee: line.fee,
      net: line.net,
      status: outcome.status,
      payment_id: paymentId,
      break_id: breakId,
      // Only a suspended line is matched again later (a late fact): only it keeps its references and its content.
      refs: outcome.status === 'break' ? lineRefs(line) : [],
      fx_amount: outcome.status === 'matched' && outcome.fx ? outcome.fx.chargeAmount : null,
      fx_currency: outcome.status === 'matched' && outcome.fx ? outcome.fx.chargeCurrency : null,
      line: outcome.status === 'break' ? line : null,
    });
    this.state.newLines.add(lineKey);
  }

  private checkSum(k: string, e: RecordedEvent): void {
    const payout = this.state.payouts.get(k);
    if (!payout || payout.sum_checked || payout.amount === null || payout.lines_seen < payout.line_count) return;
    payout.sum_checked = true;
    if (payout.net_sum === payout.amount) return;
    this.raise({
      break_id: breakIdOf('payout_sum_mismatch', payout.provider, payout.payout_id, payout.version ?? ''),
      kind: 'payout_sum_mismatch',
      provider: payout.provider,
      currency: payout.currency,
      provider_amount: payout.amount,
      ledger_amount: payout.net_sum,
      suspense_amount: payout.amount - payout.net_sum,
      payment_id: null,
      payout_id: payout.payout_id,
      line_id: null,
      detected_at: e.recordedAt.toISOString(),
    });
  }

  private status(d: PayoutStatusReported['data']): void {
    const k = `${d.provider}|${d.payoutId}`;
    const payout = this.state.payouts.get(k) ?? {
      provider: d.provider,
      payout_id: d.payoutId,
      version: null,
      currency: d.currency,
      amount: null,
      effective_at: null,
      status: null,
      line_count: 0,
      lines_seen: 0,
      net_sum: 0,
      sum_checked: false,
      closes_import: false,
    };
    payout.status = d.status;
    payout.amount ??= d.amount;
    this.state.payouts.set(k, payout);
  }

  private async resolution(d: ReconciliationBreakResolved['data']): Promise<void> {
    let row = this.state.breaks.get(d.breakId);
    if (!row) {
      const { rows } = await this.tx.query<BreakRow>(`SELECT * FROM ${this.state.table('breaks')} WHERE break_id = $1`, [d.breakId]);
      if (!rows[0]) throw new Error(`resolution of unknown break ${d.breakId}`);
      row = rowDates(rows[0]);
    }
    if (row.status !== 'open') return;
    this.close(row, 'resolution', d.resolvedAt, d);
  }

  private close(row: BreakRow, by: string, at: string, who?: { account: string; note: string; actor: string }): void {
    this.state.breaks.set(row.break_id, {
      ...row,
      status: 'resolved',
      closed_by: by,
      closed_at: at,
      account: who?.account ?? null,
      note: who?.note ?? null,
      actor: who?.actor ?? null,
    });
  }

  private raise(fields: Omit<BreakRow, 'status' | 'closed_by' | 'account' | 'note' | 'actor' | 'closed_at'> & { kind: BreakKind }): void {
    if (this.state.breaks.has(fields.break_id)) return;
    this.state.breaks.set(fields.break_id, {
      ...fields,
      status: 'open',
      closed_by: null,
      account: null,
      note: null,
      actor: null,
      closed_at: null,
    });
    this.raised.add(fields.break_id);
  }

  /** A fact that arrives after its line was suspended matches it now: the line is matched, its break closed (late_fact). */
  async lateFacts(events: readonly RecordedEvent[]): Promise<void> {
    if (this.state.lateReferences.size === 0) return;
    const { rows } = await this.tx.query<{ line: ReportedLine; provider: Provider; break_id: string }>(
      `SELECT l.line, l.provider, l.break_id FROM ${this.state.table('lines')} l JOIN ${this.state.table('breaks')} b ON b.break_id = l.break_id
        WHERE l.status = 'break' AND l.refs && $1 AND b.kind = 'unknown_to_ledger' AND b.status = 'open'`,
      [[...this.state.lateReferences]],
    );
    for (const row of rows) {
      const lineKey = `${row.provider}|${row.line.lineId}`;
      if (this.state.newLines.has(lineKey)) continue;
      this.placeLineLate(row.provider, row.line, row.break_id);
    }
    if (this.pendingLate.length === 0) return;
    const { rows: open } = await this.tx.query<BreakRow>(`SELECT * FROM ${this.state.table('breaks')} WHERE break_id = ANY($1)`, [
      this.pendingLate,
    ]);
    const at = events[events.length - 1].recordedAt.toISOString();
    for (const b of open) this.close(rowDates(b), 'late_fact', at);
  }

  private placeLineLate(provider: Provider, line: ReportedLine, breakId: string): void {
    const outcome = matchLine(line, (refs, kind) => {
      for (const r of refs) {
        const fact = r ? this.state.fact(kind, r) : undefined;
        if (fact && fact.provider === provider) return fact;
      }
      return undefined;
    });
    if (outcome.status !== 'matched') return;
    this.state.lines.set(`${provider}|${line.lineId}`, {
      provider,
      line_id: line.lineId,
      payout_id: line.payoutId,
      category: line.category,
      currency: line.currency,
      gross: line.gross,
      fee: line.fee,
      net: line.net,
      status: 'matched',
      payment_id: outcome.paymentId,
      break_id: breakId,
      refs: [],
      fx_amount: outcome.fx?.chargeAmount ?? null,
      fx_currency: outcome.fx?.chargeCurrency ?? null,
      line: null,
    });
    this.state.newLines.add(`${provider}|${line.lineId}`);
    if (outcome.fact.kind === 'charge') this.state.holdPayment(outcome.paymentId, line.lineId);
    this.pendingLate.push(breakId);
  }

  readonly pendingLate: string[] = [];

  /** missing_from_payout, on imported facts only (CONTRACT.md › Reconciliation, SETTLEMENT_WINDOWS). */
  /**
   * Runs when an import's last payout is complete, after the batch is written (so the query sees the payments its
   * lines hold): the payouts of one import are judged together, whatever order its payouts were appended in.
   */
  async missingFromPayouts(events: readonly RecordedEvent[]): Promise<void> {
    if (this.importsClosed === 0) return;
    const detectedAt = events[events.length - 1].recordedAt.toISOString();
    const { rows } = await this.tx.query<{ payment_id: string; provider: Provider; currency: string; amount: string }>(
      `SELECT p.payment_id, p.provider, p.currency, p.amount FROM ${this.state.table('payments')} p
         JOIN (SELECT provider, currency, max(effective_at) AS latest FROM ${this.state.table('payouts')}
                WHERE version IS NOT NULL GROUP BY provider, currency) o ON o.provider = p.provider AND o.currency = p.currency
        WHERE p.held_by IS NULL AND p.missing_break IS NULL AND p.succeeded_at IS NOT NULL
          AND p.succeeded_at + (CASE p.provider ${Object.entries(this.windows)
            .map(([p, s]) => `WHEN '${p.replace(/'/g, '')}' THEN interval '${Number(s)} seconds'`)
            .join(' ')} END) < o.latest`,
    );
    const missing: { payment_id: string; break_id: string }[] = [];
    for (const r of rows) {
      const breakId = breakIdOf('missing_from_payout', r.provider, r.payment_id);
      this.raise({
        break_id: breakId,
        kind: 'missing_from_payout',
        provider: r.provider,
        currency: r.currency,
        ledger_amount: Number(r.amount),
        provider_amount: null,
        suspense_amount: 0,
        payment_id: r.payment_id,
        payout_id: null,
        line_id: null,
        detected_at: detectedAt,
      });
      missing.push({ payment_id: r.payment_id, break_id: breakId });
    }
    if (missing.length === 0) return;
    await this.tx.query(
      `UPDATE ${this.state.table('payments')} p SET missing_break = m.break_id FROM jsonb_to_recordset($1::jsonb) AS m(payment_id text, break_id text)
        WHERE p.payment_id = m.payment_id`,
      [JSON.stringify(missing)],
    );
    await this.state.upsert(
      this.tx,
      'breaks',
      ['break_id'],
      missing.map((m) => this.state.breaks.get(m.break_id)!),
    );
  }
}

function rowDates(b: BreakRow): BreakRow {
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string | null));
  return {
    ...b,
    ledger_amount: b.ledger_amount === null ? null : Number(b.ledger_amount),
    provider_amount: b.provider_amount === null ? null : Number(b.provider_amount),
    suspense_amount: Number(b.suspense_amount),
    detected_at: iso(b.detected_at) as string,
    closed_at: iso(b.closed_at),
  };
}
