import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { comparePositions, type RecordedEvent } from '@ledger/event-store';
import { paymentIdFromStream, StreamUpcaster, type PaymentEvent } from '@ledger/payments-domain';
import { storedCheckpoint } from './checkpoints';
import type { ReportDifference } from './compare-tables';
import type { StoredEvents } from './stored-events';

/**
 * The reconciliation recomputed by the auditor's own code (nothing from @ledger/reconciliation): the payment and
 * payout events up to the projection's checkpoint, in global order, give each current line of every payout its
 * status (CONTRACT.md › Reconciliation, the rules by reporting category) and the open breaks; both are compared
 * with read_models.reconciliation_lines and reconciliation_breaks. A line is judged with the facts recorded before
 * it; a line left unknown is judged again when its fact arrives later (a late fact). missing_from_payout is judged
 * when an import's last payout is complete. The books' postings (ReconciliationPosted) are checked by books-check.
 */
const RECONCILIATION = 'reconciliation';
const PAYOUT_CATEGORIES = new Set([
  'payout',
  'payout_reversal',
  'payout_failure',
  'payout_minimum_balance_hold',
  'payout_minimum_balance_release',
]);
const FEE_CATEGORIES = new Set(['fee', 'network_cost']);
const DEFAULT_WINDOWS: Readonly<Record<string, number>> = { stripe: 7 * 86_400, paystack: 2 * 86_400 };

interface Fact {
  kind: 'charge' | 'refund' | 'dispute';
  paymentId: string;
  provider: string;
  amount: number;
  currency: string;
  authorized?: number;
  reversed?: boolean;
  outcome?: string;
}
interface Line {
  provider: string;
  lineId: string;
  payoutId: string;
  category: string;
  currency: string;
  gross: number;
  net: number;
  sourceId?: string;
  chargeId?: string;
  paymentIntentId?: string;
  paymentId?: string;
  customerFacingAmount?: number;
  customerFacingCurrency?: string;
}
interface Placed {
  line: Line;
  status: string;
  kind?: string;
  paymentId?: string;
  seq: number;
}
interface Payout {
  version: string;
  amount?: number;
  currency: string;
  effectiveAt: string;
  lineCount: number;
  seen: number;
  net: number;
  closesImport: boolean;
}

class Recomputed {
  readonly facts = new Map<string, Fact>();
  readonly payments = new Map<string, { provider: string; succeededAt?: string; currency?: string }>();
  readonly lines = new Map<string, Placed>();
  readonly payouts = new Map<string, Payout>();
  /** Open breaks by `kind|key` (key: the line, payment or payout). */
  readonly open = new Set<string>();
  /** Each break raised, by its id, to its `kind|key`: a person's resolution names the id. */
  private readonly raised = new Map<string, string>();
  /** Per payment, the charge and payment lines that name it (a payment is held while one does). */
  readonly heldBy = new Map<string, Set<string>>();
  /** Unknown lines by the references they name: a fact recorded later under one of them may match them. */
  private readonly suspended = new Map<string, Set<string>>();
  private readonly upcaster = new StreamUpcaster();
  private seq = 0;

  constructor(private readonly windows: Readonly<Record<string, number>>) {}

  apply(recorded: RecordedEvent): void {
    this.seq += 1;
    if (paymentIdFromStream(recorded.streamId) !== undefined) return this.payment(this.upcaster.read(recorded));
    const d = recorded.data as Record<string, unknown>;
    const key = `${String(d.provider)}|${String(d.payoutId)}`;
    switch (recorded.type) {
      case 'PayoutReported':
      case 'PayoutCorrected': {
        if (recorded.type === 'PayoutCorrected') this.withdraw(key);
        const old = this.payouts.get(key);
        this.payouts.set(key, {
          version: String(d.version),
          amount: typeof d.amount === 'number' ? d.amount : old?.amount,
          currency: String(d.currency),
          effectiveAt: String(d.effectiveAt),
          lineCount: Number(d.lineCount),
          seen: 0,
          net: 0,
          closesImport: d.importIndex === Number(d.importSize) - 1,
        });
        return this.complete(key);
      }
      case 'PayoutLinesReported': {
        const payout = this.payouts.get(key);
        if (!payout || payout.version !== d.version) return;
        for (const line of d.lines as Line[]) {
          payout.seen += 1;
          if (!PAYOUT_CATEGORIES.has(line.category)) payout.net += line.net;
          const lineKey = `${String(d.provider)}|${line.lineId}`;
          if (this.lines.has(lineKey)) {
            const id = [String(d.provider), String(d.payoutId), line.lineId, payout.version, String(payout.seen)];
            this.raise(`duplicate_line|${line.lineId}|${payout.seen}`, id);
          } else this.place(lineKey, { ...line, provider: String(d.provider) });
        }
        return this.complete(key);
      }
      case 'PayoutStatusReported': {
        const payout = this.payouts.get(key);
        if (payout && payout.amount === undefined) payout.amount = Number(d.amount);
        if (!payout)
          this.payouts.set(key, {
            version: '',
            amount: Number(d.amount),
            currency: String(d.currency),
            effectiveAt: '',
            lineCount: 0,
            seen: 0,
            net: 0,
            closesImport: false,
          });
        return;
      }
      case 'ReconciliationBreakResolved': {
        const open = this.raised.get(String(d.breakId));
        if (open) this.open.delete(open);
        return;
      }
      default:
        return;
    }
  }

  private payment(event: PaymentEvent): void {
    const put = (kind: Fact['kind'], refs: (string | undefined)[], fact: Omit<Fact, 'kind'>) => {
      const value: Fact = { ...fact, kind };
      const fresh = refs.filter((r): r is string => !!r && !this.facts.has(`${kind}|${r}`));
      for (const r of refs) if (r) this.facts.set(`${kind}|${r}`, value);
      this.lateFacts(fresh);
    };
    switch (event.type) {
      case 'PaymentCreated':
        this.payments.set(event.data.paymentId, { provider: event.data.provider });
        return;
      case 'PaymentSucceeded': {
        const p = this.payments.get(event.data.paymentId);
        if (!p) return;
        Object.assign(p, { succeededAt: event.data.succeededAt, currency: event.data.currency });
        const { paymentId, amount, currency, authorizedAmount } = event.data;
        put('charge', [paymentId, event.data.providerPaymentId, event.data.providerChargeId], {
          paymentId,
          provider: p.provider,
          amount,
          currency,
          ...(authorizedAmount !== undefined ? { authorized: authorizedAmount } : {}),
        });
        return;
      }
      case 'PaymentRefunded': {
        const p = this.payments.get(event.data.paymentId);
        if (p)
          put('refund', [event.data.refundId, event.data.providerRefundId], {
            paymentId: event.data.paymentId,
            provider: p.provider,
            amount: event.data.amount,
            currency: event.data.currency,
          });
        return;
      }
      case 'PaymentRefundReversed': {
        const fact =
          this.facts.get(`refund|${event.data.providerRefundId ?? event.data.refundId}`) ?? this.facts.get(`refund|${event.data.refundId}`);
        if (fact) fact.reversed = true;
        return;
      }
      case 'PaymentDisputed': {
        const p = this.payments.get(event.data.paymentId);
        const id = event.data.disputeId ?? event.data.paymentId;
        if (p)
          put('dispute', [id, event.data.providerDisputeId], {
            paymentId: event.data.paymentId,
            provider: p.provider,
            amount: event.data.amount,
            currency: event.data.currency,
          });
        return;
      }
      case 'PaymentDisputeLinked': {
        const fact = this.facts.get(`dispute|${event.data.disputeId}`);
        const ref = event.data.providerDisputeId;
        if (fact && ref && !this.facts.has(`dispute|${ref}`)) {
          this.facts.set(`dispute|${ref}`, fact);
          this.lateFacts([ref]);
        }
        return;
      }
      case 'PaymentDisputeClosed': {
        const fact = this.facts.get(`dispute|${event.data.disputeId}`);
        if (fact) fact.outcome = event.data.outcome;
        return;
      }
      default:
        return;
    }
  }

  private find(kind: Fact['kind'], refs: (string | undefined)[], provider: string): Fact | undefined {
    for (const r of refs) {
      const fact = r ? this.facts.get(`${kind}|${r}`) : undefined;
      if (fact && fact.provider === provider) return fact;
    }
    return undefined;
  }

  /** The contract's rule for the line's reporting category, with the facts known now. */
  private judge(line: Line): Omit<Placed, 'seq' | 'line'> {
    if (PAYOUT_CATEGORIES.has(line.category)) return { status: 'payout' };
    if (FEE_CATEGORIES.has(line.category)) return { status: 'fee' };
    const fx = line.customerFacingCurrency && line.customerFacingCurrency !== line.currency && line.customerFacingAmount !== undefined;
    const face = fx
      ? { amount: Math.abs(line.customerFacingAmount ?? 0), currency: line.customerFacingCurrency ?? '' }
      : { amount: line.gross, currency: line.currency };
    const charges = [line.paymentId, line.chargeId, line.paymentIntentId, line.sourceId];
    const verdict = (fact: Fact | undefined, ok: (f: Fact) => boolean, currency = face.currency) => {
      if (!fact) return { status: 'break', kind: 'unknown_to_ledger' };
      if (currency !== fact.currency) return { status: 'break', kind: 'currency_mismatch', paymentId: fact.paymentId };
      return ok(fact)
        ? { status: 'matched', paymentId: fact.paymentId }
        : { status: 'break', kind: 'amount_mismatch', paymentId: fact.paymentId };
    };
    const known = (fact: Fact | undefined, usable: boolean) =>
      fact && !usable ? { status: 'break', kind: 'unknown_to_ledger', paymentId: fact.paymentId } : undefined;
    switch (line.category) {
      case 'charge':
      case 'payment':
        return verdict(this.find('charge', charges, line.provider), (f) => face.amount === f.amount || face.amount === f.authorized);
      case 'partial_capture_reversal':
        return verdict(
          this.find('charge', charges, line.provider),
          (f) => -line.gross === (f.authorized ?? f.amount) - f.amount,
          line.currency,
        );
      case 'refund':
      case 'dispute': {
        const fact = this.find(line.category, [line.sourceId], line.provider);
        return verdict(fact, (f) => Math.abs(face.amount) === f.amount && line.gross <= 0);
      }
      case 'refund_failure': {
        const fact = this.find('refund', [line.sourceId], line.provider);
        return known(fact, !!fact?.reversed) ?? verdict(fact, (f) => face.amount === f.amount);
      }
      case 'dispute_reversal': {
        const fact = this.find('dispute', [line.sourceId], line.provider);
        return known(fact, fact?.outcome !== undefined && fact.outcome !== 'lost') ?? verdict(fact, (f) => face.amount === f.amount);
      }
      default:
        return { status: 'break', kind: 'unknown_to_ledger' };
    }
  }

  /**
   * Opens a break. Its id, as the contract's break ids are made: `brk_` and the first 24 hex digits of the SHA-256 of
   * its kind, provider and keys joined by `|`.
   */
  private raise(open: string, keys: readonly string[]): void {
    this.open.add(open);
    const kind = open.slice(0, open.indexOf('|'));
    this.raised.set(
      `brk_${createHash('sha256')
        .update([kind, ...keys].join('|'))
        .digest('hex')
        .slice(0, 24)}`,
      open,
    );
  }

  private place(lineKey: string, line: Line): void {
    const placed: Placed = { line, seq: this.seq, ...this.judge(line) };
    this.lines.set(lineKey, placed);
    if (placed.status === 'break') this.raise(`${placed.kind}|${line.lineId}`, [line.provider, line.payoutId, line.lineId]);
    if (placed.kind === 'unknown_to_ledger') {
      for (const r of [line.paymentId, line.chargeId, line.paymentIntentId, line.sourceId]) {
        if (r) this.suspended.set(r, (this.suspended.get(r) ?? new Set()).add(lineKey));
      }
    }
    if (placed.paymentId && (line.category === 'charge' || line.category === 'payment')) this.hold(placed.paymentId, lineKey);
  }

  private hold(paymentId: string, lineKey: string): void {
    this.heldBy.set(paymentId, (this.heldBy.get(paymentId) ?? new Set()).add(lineKey));
    this.open.delete(`missing_from_payout|${paymentId}`);
  }

  /** An unknown line naming a reference recorded after it is matched now (and only when it matches). */
  private lateFacts(refs: readonly string[]): void {
    for (const ref of refs) {
      for (const lineKey of this.suspended.get(ref) ?? []) {
        const placed = this.lines.get(lineKey);
        if (!placed || placed.status !== 'break' || placed.kind !== 'unknown_to_ledger') continue;
        const again = this.judge(placed.line);
        if (again.status !== 'matched') continue;
        Object.assign(placed, { status: 'matched', kind: undefined, paymentId: again.paymentId });
        this.open.delete(`unknown_to_ledger|${placed.line.lineId}`);
        if (placed.line.category === 'charge' || placed.line.category === 'payment') this.hold(again.paymentId ?? '', lineKey);
      }
    }
  }

  private withdraw(payoutKey: string): void {
    const [provider, payoutId] = payoutKey.split('|');
    for (const [k, placed] of this.lines) {
      if (placed.line.provider !== provider || placed.line.payoutId !== payoutId) continue;
      const holding = placed.paymentId ? this.heldBy.get(placed.paymentId) : undefined;
      if (holding?.delete(k) && holding.size === 0) this.heldBy.delete(placed.paymentId!);
      this.lines.delete(k);
      if (placed.kind) this.open.delete(`${placed.kind}|${placed.line.lineId}`);
    }
    for (const b of this.open) if (b.startsWith('payout_sum_mismatch|') && b.endsWith(`|${payoutKey}`)) this.open.delete(b);
  }

  private complete(payoutKey: string): void {
    const payout = this.payouts.get(payoutKey);
    if (!payout || payout.seen < payout.lineCount) return;
    if (payout.amount !== undefined && payout.net !== payout.amount)
      this.raise(`payout_sum_mismatch|${payoutKey}`, [...payoutKey.split('|'), payout.version]);
    if (!payout.closesImport) return;
    for (const [paymentId, p] of this.payments) {
      if (!p.succeededAt || this.heldBy.has(paymentId)) continue;
      const latest = [...this.payouts.entries()]
        .filter(([k, o]) => k.startsWith(`${p.provider}|`) && o.currency === p.currency && o.version)
        .reduce((max, [, o]) => (o.effectiveAt > max ? o.effectiveAt : max), '');
      if (latest && Date.parse(p.succeededAt) + (this.windows[p.provider] ?? 0) * 1000 < Date.parse(latest))
        this.raise(`missing_from_payout|${paymentId}`, [p.provider, paymentId]);
    }
  }
}

/** Recomputes the lines' statuses and the open breaks up to the reconciliation's checkpoint, and compares both tables. */
export async function checkReconciliation(
  client: PoolClient,
  read: StoredEvents,
  report: ReportDifference,
  windows: Readonly<Record<string, number>> = DEFAULT_WINDOWS,
): Promise<void> {
  const checkpoint = await storedCheckpoint(client, RECONCILIATION);
  const recomputed = new Recomputed(windows);
  for await (const page of read(checkpoint.position)) {
    for (const recorded of page) {
      if (comparePositions(recorded.position, checkpoint.position) > 0 || recorded.type === 'ReconciliationPosted') continue;
      recomputed.apply(recorded);
    }
  }
  const { rows: lines } = await client.query<{ provider: string; line_id: string; status: string }>(
    `SELECT provider, line_id, status FROM read_models.reconciliation_lines`,
  );
  const stored = new Map(lines.map((r) => [`${r.provider}|${r.line_id}`, r.status]));
  for (const [key, placed] of recomputed.lines) {
    if (stored.get(key) !== placed.status) {
      report({ readModel: 'reconciliation_lines', key, field: 'status', expected: placed.status, actual: stored.get(key) ?? '(no row)' });
    }
    stored.delete(key);
  }
  for (const [key, status] of stored)
    report({ readModel: 'reconciliation_lines', key, field: 'status', expected: '(no line in the events)', actual: status });

  const { rows: breaks } = await client.query<{
    break_id: string;
    kind: string;
    line_id: string | null;
    payment_id: string | null;
    payout_id: string | null;
    provider: string;
  }>(`SELECT break_id, kind, line_id, payment_id, payout_id, provider FROM read_models.reconciliation_breaks WHERE status = 'open'`);
  const expected = new Map<string, number>();
  for (const b of recomputed.open) {
    const [kind, id] = b.split('|');
    const key = kind === 'payout_sum_mismatch' ? `${kind}|${b.split('|')[2]}` : `${kind}|${id}`;
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  const actual = new Map<string, string[]>();
  for (const b of breaks) {
    const key = `${b.kind}|${b.kind === 'missing_from_payout' ? b.payment_id : b.kind === 'payout_sum_mismatch' ? b.payout_id : b.line_id}`;
    actual.set(key, [...(actual.get(key) ?? []), b.break_id]);
  }
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(key) ?? 0;
    const have = actual.get(key) ?? [];
    if (want !== have.length) {
      report({
        readModel: 'reconciliation_breaks',
        key: have.length > 0 ? `${key} (${have.join(', ')})` : key,
        field: 'open',
        expected: String(want),
        actual: String(have.length),
      });
    }
  }
}
