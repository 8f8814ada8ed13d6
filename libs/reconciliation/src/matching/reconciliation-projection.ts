import { createHash } from 'node:crypto';
import { comparePositions, type EventStore, type RecordedEvent } from '@ledger/event-store';
import { isPaymentEventType, isPaymentStream, type Provider } from '@ledger/payments-domain';
import type { PoolClient } from 'pg';
import { POSTED_STREAM_PREFIX, RECONCILIATION_POSTED, type PostingLine } from '@ledger/books';
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
import { BatchState, type BreakRow, type LineRow } from './batch-state';
import { chargeLookup, matchLine } from './match-line';
import { foldPaymentEvent, learnPaymentStreams } from './payment-facts';
import { DEFAULT_SETTLEMENT_WINDOWS, type SettlementWindows } from './settlement-windows';
import { appendPostings, BatchPostings, type PostingContext, type PostingStore } from '../postings/batch-postings';
import { breakSuspense, isPaidStatus, payoutStatus, postLine, resolution, reverse, suspenseOnly } from '../postings/postings';
import { placedOf, postedForPayout, settledThroughFx } from '../postings/row-postings';

/** The projection runner's shape (libs/projections Projection), structurally: this lib does not depend on the runner. */
export interface ReconciliationProjection {
  readonly name: string;
  readonly tables: readonly string[];
  /** Payment and payout streams both start with it. */
  readonly streamPrefix: string;
  apply(
    tx: PoolClient,
    events: readonly RecordedEvent[],
    /** With a store that appends (the runner's, the rebuild's), the batch's postings are appended before it commits. */
    target: { schema: string; store?: Pick<EventStore, 'readStream'> & Partial<PostingStore> },
  ): Promise<void>;
}

export const RECONCILIATION_TABLES = [
  'reconciliation_facts',
  'reconciliation_payments',
  'reconciliation_payouts',
  'reconciliation_lines',
  'reconciliation_breaks',
  'reconciliation_unheld',
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
 *
 * A process manager for the books too: what an applied event moves on the books' chart (fees, FX, suspense, payouts)
 * is appended as one ReconciliationPosted on `payout-posted-<event id>` (expected: no stream) before the batch's
 * transaction commits, so a re-run after a crash, or a rebuild, appends nothing twice. Its own postings, read back
 * under 'pay', are skipped.
 */
export function reconciliationProjection(
  windows: SettlementWindows = DEFAULT_SETTLEMENT_WINDOWS,
  onBreaks: OnBreaks = pageLiveBreaks,
): ReconciliationProjection {
  return {
    name: 'reconciliation',
    tables: RECONCILIATION_TABLES,
    streamPrefix: 'pay',
    async apply(tx, events, { schema, store }) {
      const ours = events.filter((e) => isPaymentStream(e.streamId) || (e.streamId.startsWith(PAYOUT_STREAM_PREFIX) && !isPosting(e)));
      if (ours.length === 0) return;
      const state = new BatchState(schema, ours[ours.length - 1].recordedAt.toISOString());
      for (const e of ours) {
        if (e.streamId.startsWith(PAYOUT_STREAM_PREFIX) ? !isPayoutEventType(e.type) : !isPaymentEventType(e.type)) {
          throw new Error(`reconciliation cannot apply ${e.type} on ${e.streamId}`);
        }
      }
      const want = wanted(ours);
      await state.load(tx, want);
      const rest = refsStillWanted(state, want.fallbacks);
      if (rest.length > 0) await state.load(tx, { refs: rest, paymentIds: [], lines: [], payouts: [] });
      await learnPaymentStreams(ours, store);
      const postings = new BatchPostings();
      const run = new BatchRun(state, tx, windows, postings);
      for (const e of ours) await run.apply(e);
      await run.lateFacts();
      // Every posting of the batch is decided: appended on the store's own connection while the writes run, and
      // awaited before the transaction may commit.
      const appended = store?.appendToStream ? appendPostings({ appendToStream: store.appendToStream.bind(store) }, postings) : undefined;
      appended?.catch(() => undefined); // a failed write below must not leave it unhandled; it is awaited after them
      await state.write(tx);
      await run.missingFromPayouts(ours);
      await appended;
      if (schema === READ_MODELS_SCHEMA) {
        await onBreaks(
          tx,
          [...state.breaks.values()].filter((b) => run.raised.has(b.break_id)),
        );
      }
    },
  };
}

/** A payout's own movements: not in the sum of its lines' net. */
const PAYOUT_CATEGORIES: ReadonlySet<string> = new Set(['payout', 'payout_reversal', 'payout_failure']);

/** A payout holds a payment when a charge or payment line names it, explained or not (a mismatch is its own break). */
function holdsPayment(category: string): boolean {
  return category === 'charge' || category === 'payment';
}

/** The projection's own postings: on their own streams, never matched. */
function isPosting(e: RecordedEvent): boolean {
  if (!e.streamId.startsWith(POSTED_STREAM_PREFIX)) return false;
  if (e.type !== RECONCILIATION_POSTED) throw new Error(`reconciliation cannot apply ${e.type} on ${e.streamId}`);
  return true;
}

/** When an event happened (its metadata's occurredAt), else when it was recorded. */
function occurredAtOf(e: RecordedEvent): string {
  const at = (e.metadata as { occurredAt?: unknown } | null)?.occurredAt;
  return typeof at === 'string' && !Number.isNaN(Date.parse(at)) ? new Date(at).toISOString() : e.recordedAt.toISOString();
}

/** A charge line's first reference, loaded first; the rest of its references, loaded only if the first does not match. */
interface Fallback {
  readonly provider: Provider;
  readonly first: string;
  readonly rest: readonly string[];
}

/**
 * What a batch's events name, to load before folding them. A charge line (the bulk of a report) is matched by the
 * first of its references that names a charge of its provider: that one is loaded for every line, the others only for
 * lines it does not match (refsStillWanted), which keeps the facts read to about one row per line, not three.
 */
function wanted(events: readonly RecordedEvent[]): {
  refs: string[];
  paymentIds: string[];
  lines: string[];
  payouts: string[];
  fallbacks: Fallback[];
} {
  const refs = new Set<string>();
  const fallbacks: Fallback[] = [];
  const paymentIds = new Set<string>();
  const lines = new Set<string>();
  const payouts = new Set<string>();
  for (const e of events) {
    const d = e.data as Record<string, unknown>;
    if (typeof d.paymentId === 'string') paymentIds.add(d.paymentId);
    for (const k of ['refundId', 'providerRefundId', 'disputeId', 'providerDisputeId']) if (typeof d[k] === 'string') refs.add(d[k]);
    if (typeof d.payoutId === 'string') payouts.add(`${String(d.provider)}|${d.payoutId}`);
    if (e.type === 'PayoutLinesReported') {
      const d = e.data as PayoutLinesReported['data'];
      for (const line of d.lines) {
        lines.add(`${d.provider}|${line.lineId}`);
        const ordered = chargeLookup(line);
        if (ordered && ordered.length > 1) {
          refs.add(ordered[0]);
          fallbacks.push({ provider: d.provider, first: ordered[0], rest: ordered.slice(1) });
        } else for (const r of lineRefs(line)) refs.add(r);
      }
    }
  }
  return { refs: [...refs], paymentIds: [...paymentIds], lines: [...lines], payouts: [...payouts], fallbacks };
}

/** The other references of the charge lines whose first reference names no charge of their provider. */
function refsStillWanted(state: BatchState, fallbacks: readonly Fallback[]): string[] {
  const rest = new Set<string>();
  for (const f of fallbacks) {
    if (state.fact('charge', f.first)?.provider === f.provider) continue;
    for (const r of f.rest) rest.add(r);
  }
  return [...rest];
}

function lineRefs(line: ReportedLine): string[] {
  return [line.paymentId, line.chargeId, line.paymentIntentId, line.sourceId].filter((r): r is string => !!r);
}

export function breakIdOf(...parts: string[]): string {
  return `brk_${createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 24)}`;
}

class BatchRun {
  readonly raised = new Set<string>();
  /** References a payment event of this batch added, not yet looked for among suspended lines, and their event. */
  private readonly pendingRefs = new Map<string, RecordedEvent>();
  /** The batch's new references in the order added (a live iterator over the state's set). */
  private readonly newRefs: Iterator<string>;
  private refsSeen = 0;

  constructor(
    private readonly state: BatchState,
    private readonly tx: PoolClient,
    private readonly windows: SettlementWindows,
    private readonly postings: BatchPostings,
  ) {
    this.newRefs = state.lateReferences.values();
    this.refsSeen = state.lateReferences.size;
  }

  async apply(e: RecordedEvent): Promise<void> {
    switch (e.type) {
      case 'PayoutReported':
      case 'PayoutCorrected':
        // A correction withdraws lines (and a resolution closes a break): facts of earlier events act first, as live.
        if (e.type === 'PayoutCorrected') await this.lateFacts();
        await this.header(e, e.data as PayoutReported['data'] | PayoutCorrected['data']);
        return;
      case 'PayoutLinesReported':
        this.lines(e, e.data as PayoutLinesReported['data']);
        return;
      case 'PayoutStatusReported':
        this.status(e, e.data as PayoutStatusReported['data']);
        return;
      case 'ReconciliationBreakResolved':
        await this.lateFacts();
        await this.resolution(e, e.data as ReconciliationBreakResolved['data']);
        return;
      default:
        foldPaymentEvent(this.state, e);
        this.noteNewReferences(e);
    }
  }

  private noteNewReferences(e: RecordedEvent): void {
    for (; this.refsSeen < this.state.lateReferences.size; this.refsSeen += 1) {
      const next = this.newRefs.next();
      if (next.done) throw new Error('lost track of the batch references');
      this.pendingRefs.set(next.value, e);
    }
  }

  private post(cause: RecordedEvent, context: PostingContext, lines: readonly PostingLine[]): void {
    this.postings.add(cause, context, lines);
  }

  /** The payout's cut-off: what its lines, breaks and sum post is effective then. */
  private cutOff(provider: Provider, payoutId: string, e: RecordedEvent): string {
    const at = this.state.payouts.get(`${provider}|${payoutId}`)?.effective_at;
    return at ? new Date(at).toISOString() : occurredAtOf(e);
  }

  private async header(e: RecordedEvent, d: PayoutReported['data']): Promise<void> {
    const k = `${d.provider}|${d.payoutId}`;
    const old = this.state.payouts.get(k);
    if (e.type === 'PayoutCorrected') {
      const withdrawn = await this.withdraw(d.provider, d.payoutId, e);
      const at = new Date(d.effectiveAt).toISOString();
      this.post(e, { provider: d.provider, reason: 'correction', payoutId: d.payoutId, effectiveAt: at }, reverse(withdrawn));
    }
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

  /**
   * A corrected payout's previous lines leave: their breaks close as corrected, the payments they held are free.
   * Returns what the books hold for them (the correction reverses it).
   */
  private async withdraw(provider: Provider, payoutId: string, e: RecordedEvent): Promise<PostingLine[]> {
    const ofPayout = (l: LineRow) => l.provider === provider && l.payout_id === payoutId;
    // Lines of this batch (a version placed or withdrawn here) win over the table's older rows.
    const current = new Map([...this.state.lines].filter(([, l]) => ofPayout(l)));
    const { rows } = await this.tx.query<{ line_id: string }>(
      `SELECT line_id FROM ${this.state.table('lines')} WHERE provider = $1 AND payout_id = $2`,
      [provider, payoutId],
    );
    const { rows: stored } = await this.tx.query<BreakRow>(
      `SELECT * FROM ${this.state.table('breaks')} WHERE provider = $1 AND payout_id = $2`,
      [provider, payoutId],
    );
    const fresh = (id: string) => !current.has(`${provider}|${id}`) && !this.state.deletedLines.has(`${provider}|${id}`);
    const ids = rows.map((r) => r.line_id).filter(fresh);
    await this.state.load(this.tx, { refs: [], paymentIds: [], lines: ids.map((id) => `${provider}|${id}`), payouts: [] });
    for (const id of ids) {
      const line = this.state.lines.get(`${provider}|${id}`);
      if (line && ofPayout(line)) current.set(`${provider}|${id}`, line);
    }
    const breaks = new Map(stored.map((b) => [b.break_id, rowDates(b)]));
    for (const b of this.state.breaks.values()) if (b.provider === provider && b.payout_id === payoutId) breaks.set(b.break_id, b);
    const posted = postedForPayout([...current.values()], breaks);
    for (const [k, line] of current) {
      if (line.payment_id && holdsPayment(line.category)) this.state.releasePayment(line.payment_id);
      this.state.lines.delete(k);
      this.state.newLines.delete(k);
      this.state.deletedLines.add(k);
    }
    for (const b of breaks.values()) if (b.status === 'open') this.close(b, 'correction', e.recordedAt.toISOString());
    return posted;
  }

  private lines(e: RecordedEvent, d: PayoutLinesReported['data']): void {
    const k = `${d.provider}|${d.payoutId}`;
    const payout = this.state.payouts.get(k);
    if (!payout || payout.version !== d.version) throw new Error(`lines of ${k} version ${d.version} before its header`);
    const detectedAt = e.recordedAt.toISOString();
    const context: PostingContext = {
      provider: d.provider,
      reason: 'line',
      payoutId: d.payoutId,
      effectiveAt: this.cutOff(d.provider, d.payoutId, e),
    };
    for (const line of d.lines) {
      payout.lines_seen += 1;
      if (!PAYOUT_CATEGORIES.has(line.category)) payout.net_sum += line.net;
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
        this.post(e, { ...context, lineId: line.lineId }, suspenseOnly(d.provider, line.net, line.currency));
        continue;
      }
      this.post(e, { ...context, lineId: line.lineId }, this.placeLine(d.provider, line, detectedAt, lineKey));
    }
    if (payout.lines_seen >= payout.line_count) this.completed(k, e);
  }

  /** Every line of a payout is in: its sum is checked, and when it closes its import, missing payments are looked for. */
  private completed(k: string, e: RecordedEvent): void {
    this.checkSum(k, e);
    if (this.state.payouts.get(k)?.closes_import) this.importsClosed += 1;
  }

  importsClosed = 0;

  /** Places a line and returns what it posts (its fee, FX, or its suspense). */
  private placeLine(provider: Provider, line: ReportedLine, detectedAt: string, lineKey: string): PostingLine[] {
    const outcome = matchLine(line, (refs, kind) => {
      for (const r of refs) {
        const fact = r ? this.state.fact(kind, r) : undefined;
        if (fact && fact.provider === provider) return fact;
      }
      return undefined;
    });
    let breakId: string | null = null;
    let held: ReturnType<typeof breakSuspense> | undefined;
    if (outcome.status === 'break') {
      breakId = breakIdOf(outcome.kind, provider, line.payoutId, line.lineId);
      held = breakSuspense({ ...line, settledThroughFx: settledThroughFx(line) }, outcome.kind, outcome.ledgerAmount);
      this.raise({
        break_id: breakId,
        kind: outcome.kind,
        provider,
        currency: line.currency,
        provider_amount: line.gross,
        ledger_amount: outcome.ledgerAmount ?? null,
        // What waits in suspense:<p> for it (for an amount mismatch, the difference from what the ledger booked).
        suspense_amount: held.suspense,
        payment_id: outcome.paymentId ?? null,
        payout_id: line.payoutId,
        line_id: line.lineId,
        detected_at: detectedAt,
      });
    }
    const paymentId = outcome.status === 'matched' || outcome.status === 'break' ? (outcome.paymentId ?? null) : null;
    if (paymentId && holdsPayment(line.category)) this.state.holdPayment(paymentId);
    const row: LineRow = {
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
    };
    this.state.lines.set(lineKey, row);
    this.state.newLines.add(lineKey);
    if (!held) return postLine(placedOf(row));
    return postLine({ ...placedOf(row), ...(held.ledgerAmount !== undefined ? { ledgerAmount: held.ledgerAmount } : {}) });
  }

  private checkSum(k: string, e: RecordedEvent): void {
    const payout = this.state.payouts.get(k);
    if (!payout || payout.sum_checked || payout.amount === null || payout.lines_seen < payout.line_count) return;
    payout.sum_checked = true;
    if (payout.net_sum === payout.amount) return;
    const breakId = breakIdOf('payout_sum_mismatch', payout.provider, payout.payout_id, payout.version ?? '');
    if (this.state.breaks.get(breakId)?.status !== 'open') {
      this.post(
        e,
        {
          provider: payout.provider,
          reason: e.type === 'PayoutCorrected' ? 'correction' : 'line',
          payoutId: payout.payout_id,
          breakId,
          effectiveAt: this.cutOff(payout.provider, payout.payout_id, e),
        },
        suspenseOnly(payout.provider, payout.amount - payout.net_sum, payout.currency),
      );
    }
    this.raise({
      break_id: breakId,
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

  private status(e: RecordedEvent, d: PayoutStatusReported['data']): void {
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
    const wasPaid = isPaidStatus(payout.status);
    const moved = payoutStatus(d.provider, d.status, wasPaid, d.amount, d.currency);
    if (moved.length > 0) {
      const paid = !wasPaid;
      this.post(
        e,
        {
          provider: d.provider,
          reason: paid ? 'payout_paid' : 'payout_failed',
          payoutId: d.payoutId,
          effectiveAt: paid && d.arrivalDate ? new Date(d.arrivalDate).toISOString() : occurredAtOf(e),
        },
        moved,
      );
    }
    payout.status = d.status;
    payout.amount ??= d.amount;
    this.state.payouts.set(k, payout);
  }

  private async resolution(e: RecordedEvent, d: ReconciliationBreakResolved['data']): Promise<void> {
    let row = this.state.breaks.get(d.breakId);
    if (!row) {
      const { rows } = await this.tx.query<BreakRow>(`SELECT * FROM ${this.state.table('breaks')} WHERE break_id = $1`, [d.breakId]);
      if (!rows[0]) throw new Error(`resolution of unknown break ${d.breakId}`);
      row = rowDates(rows[0]);
    }
    if (row.status !== 'open') return;
    this.close(row, 'resolution', d.resolvedAt, d);
    this.post(
      e,
      {
        provider: row.provider,
        reason: 'resolution',
        breakId: row.break_id,
        ...(row.payout_id ? { payoutId: row.payout_id } : {}),
        ...(row.line_id ? { lineId: row.line_id } : {}),
        ...(row.payment_id ? { paymentId: row.payment_id } : {}),
        effectiveAt: new Date(d.resolvedAt).toISOString(),
      },
      resolution(row.provider, row.suspense_amount, row.currency, d.account),
    );
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

  /**
   * Opens a break. One closed earlier (a line of a corrected payout placed again) opens anew, as the table's upsert
   * does across batches: a batch's bounds never decide it.
   */
  private raise(fields: Omit<BreakRow, 'status' | 'closed_by' | 'account' | 'note' | 'actor' | 'closed_at'> & { kind: BreakKind }): void {
    if (this.state.breaks.get(fields.break_id)?.status === 'open') return;
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

  /**
   * A fact that arrives after its line was suspended matches it now: the line is matched, its break closed
   * (late_fact), and the fact's event posts the suspense's exact reversal with the line's matched postings (counted
   * once). Runs at the end of a batch and before a correction or a resolution, so the log's order decides, not the
   * batch's bounds (a rebuild decides and posts as the live run did).
   */
  async lateFacts(): Promise<void> {
    if (this.pendingRefs.size === 0) return;
    const refs = new Map(this.pendingRefs);
    this.pendingRefs.clear();
    const candidates: { provider: Provider; line: ReportedLine; breakId: string; stored?: BreakRow }[] = [];
    for (const k of this.state.newLines) {
      const l = this.state.lines.get(k);
      if (l?.status === 'break' && l.break_id && l.refs.some((r) => refs.has(r)))
        candidates.push({ provider: l.provider, line: l.line as ReportedLine, breakId: l.break_id });
    }
    const { rows } = await this.tx.query<{ line: ReportedLine; provider: Provider; brk: BreakRow }>(
      `SELECT l.line, l.provider, to_jsonb(b) AS brk FROM ${this.state.table('lines')} l JOIN ${this.state.table('breaks')} b ON b.break_id = l.break_id
        WHERE l.status = 'break' AND l.refs && $1 AND b.kind = 'unknown_to_ledger' AND b.status = 'open'`,
      [[...refs.keys()]],
    );
    for (const row of rows) {
      const lineKey = `${row.provider}|${row.line.lineId}`;
      if (this.state.newLines.has(lineKey) || this.state.deletedLines.has(lineKey)) continue;
      candidates.push({ provider: row.provider, line: row.line, breakId: row.brk.break_id, stored: rowDates(row.brk) });
    }
    // The reversal is effective no earlier than the suspense it reverses (the payout's cut-off).
    const payouts = [...new Set(candidates.map((c) => `${c.provider}|${c.line.payoutId}`))].filter((k) => !this.state.payouts.has(k));
    if (payouts.length > 0) await this.state.load(this.tx, { refs: [], paymentIds: [], lines: [], payouts });
    for (const c of candidates) {
      const b = this.state.breaks.get(c.breakId) ?? c.stored;
      if (b?.status !== 'open' || b.kind !== 'unknown_to_ledger') continue;
      const causes = lineRefs(c.line).flatMap((r) => refs.get(r) ?? []);
      const cause = causes.reduce((a, x) => (comparePositions(x.position, a.position) < 0 ? x : a));
      this.placeLineLate(c.provider, c.line, b, cause);
    }
  }

  private placeLineLate(provider: Provider, line: ReportedLine, b: BreakRow, cause: RecordedEvent): void {
    const outcome = matchLine(line, (refs, kind) => {
      for (const r of refs) {
        const fact = r ? this.state.fact(kind, r) : undefined;
        if (fact && fact.provider === provider) return fact;
      }
      return undefined;
    });
    if (outcome.status !== 'matched') return;
    const row: LineRow = {
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
      break_id: b.break_id,
      refs: [],
      fx_amount: outcome.fx?.chargeAmount ?? null,
      fx_currency: outcome.fx?.chargeCurrency ?? null,
      line: null,
    };
    this.state.lines.set(`${provider}|${line.lineId}`, row);
    this.state.newLines.add(`${provider}|${line.lineId}`);
    if (holdsPayment(line.category)) this.state.holdPayment(outcome.paymentId);
    this.close(b, 'late_fact', cause.recordedAt.toISOString());
    this.post(
      cause,
      {
        provider,
        reason: 'late_fact',
        payoutId: line.payoutId,
        lineId: line.lineId,
        breakId: b.break_id,
        paymentId: outcome.paymentId,
        effectiveAt: [occurredAtOf(cause), this.cutOff(provider, line.payoutId, cause)].sort().at(-1) as string,
      },
      [...reverse(suspenseOnly(provider, b.suspense_amount, b.currency)), ...postLine(placedOf(row))],
    );
  }

  /** missing_from_payout, on imported facts only (CONTRACT.md › Reconciliation, SETTLEMENT_WINDOWS). */
  /**
   * Runs when an import's last payout is complete, after the batch is written (so the query sees the payments its
   * lines hold): the payouts of one import are judged together, whatever order its payouts were appended in.
   */
  async missingFromPayouts(events: readonly RecordedEvent[]): Promise<void> {
    if (this.importsClosed === 0) return;
    const detectedAt = events[events.length - 1].recordedAt.toISOString();
    const { rows } = await this.tx.query<{ payment_id: string; provider: Provider; currency: string; amount: string }>(
      `SELECT p.payment_id, p.provider, p.currency, p.amount FROM ${this.state.table('unheld')} p
         JOIN (SELECT provider, currency, max(effective_at) AS latest FROM ${this.state.table('payouts')}
                WHERE version IS NOT NULL GROUP BY provider, currency) o ON o.provider = p.provider AND o.currency = p.currency
        WHERE p.succeeded_at + (CASE p.provider ${Object.entries(this.windows)
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
    await this.tx.query(`DELETE FROM ${this.state.table('unheld')} WHERE payment_id = ANY($1::text[])`, [missing.map((m) => m.payment_id)]);
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
