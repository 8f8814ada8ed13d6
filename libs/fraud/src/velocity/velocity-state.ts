import type { FraudRules, WindowRuleName } from '@ledger/platform';
import { commandIdOf, type FlagDecision, type VelocityFact } from './facts';
import { SlidingWindow, SubjectList } from './subject-list';

/** One payment or failed attempt as the windows hold it. */
export interface Observation {
  readonly paymentId: string;
  readonly kind: 'payment' | 'failure';
  readonly at: number;
  readonly customerId?: string;
  readonly card?: string;
  readonly ip?: string;
  readonly device?: string;
  readonly email?: string;
  readonly amount?: number;
  readonly currency?: string;
}

export interface Trip {
  readonly rule: string;
  readonly subject: string;
  readonly tripId: string;
  readonly openedAt: number;
  /** Event time of the last fact that kept it tripped. */
  lastAt: number;
}

/** What a batch changed, for the store to write in the batch's transaction. */
export interface StateChanges {
  readonly observed: Observation[];
  readonly forgotten: readonly { customerId: string; subjects: string[] }[];
  /** Trips as they stand now (opened or moved on), and trips that ended. */
  readonly trips: readonly Trip[];
  readonly tripsClosed: readonly { rule: string; subject: string }[];
}

const HOUR = 3_600_000;
/** How long a customer's amounts count towards the median of amount_spike, and how long anything is kept. */
export const RETENTION_MS = 30 * 24 * HOUR;
/** The single-payment rules (country_mismatch, amount_spike) are one trip per customer within this. */
const SINGLE_RULE_TRIP_MS = 24 * HOUR;
const SPIKE_HISTORY = 20;
const SPIKE_MIN_HISTORY = 3;
const MAX_PAYMENT_IDS = 100;

type Member = (o: Observation) => string | undefined;
interface WindowSpec {
  /** The prefix of the subjects it counts (`customer`, `card`, `ip`). */
  readonly prefix: string;
  readonly subjectOf: (o: Observation) => string | undefined;
  readonly kind: Observation['kind'];
  /** Distinct values counted; undefined: every observation counts. */
  readonly member?: Member;
}

const customerOf = (o: Observation) => o.customerId ?? (o.email ? `email:${o.email}` : undefined);

/** Which list an observation is counted in, and what each window rule counts there. */
const WINDOW_SPECS: Readonly<Record<WindowRuleName, WindowSpec>> = {
  customer_payments: { prefix: 'customer', subjectOf: (o) => prefixed('customer', o.customerId), kind: 'payment' },
  customer_cards: { prefix: 'customer', subjectOf: (o) => prefixed('customer', o.customerId), kind: 'payment', member: (o) => o.card },
  card_customers: { prefix: 'card', subjectOf: (o) => prefixed('card', o.card), kind: 'payment', member: customerOf },
  ip_customers: { prefix: 'ip', subjectOf: (o) => prefixed('ip', o.ip), kind: 'payment', member: customerOf },
  ip_cards: { prefix: 'ip', subjectOf: (o) => prefixed('ip', o.ip), kind: 'payment', member: (o) => o.card },
  card_failures: { prefix: 'card', subjectOf: (o) => prefixed('card', o.card), kind: 'failure' },
};

function prefixed(kind: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : `${kind}:${value}`;
}

/**
 * The fraud-velocity process manager's state and its rules (a decider over facts, no I/O): `observe` folds one
 * fact in and returns the FlagFraud decisions it makes. A rule trips when its count in the window reaches the
 * threshold: the trip flags every payment in the window, and each later payment while it stays tripped; it ends
 * when the count falls below. Each (rule, payment) is decided at most once per trip and the outbox keeps one.
 *
 * A fact costs O(log n) in its subjects' history: each list keeps its newest `at` and, per window rule, a sliding
 * window with running counts (subject-list.ts); the decisions are those of the full rescans it replaced
 * (testing/reference-velocity-state.ts, compared by velocity-state.property.spec.ts).
 */
export class VelocityState {
  /** Observations by subject (`customer:<id>`, `card:<token>`, `ip:<token>`) and kind, oldest first. */
  private readonly lists = new Map<string, SubjectList>();
  /** Each payment's observation, for a failure that names no card of its own. */
  private readonly payments = new Map<string, Observation>();
  private readonly trips = new Map<string, Trip>();
  private changes = emptyChanges();
  private readonly touchedTrips = new Map<string, { rule: string; subject: string }>();

  constructor(private readonly rules: FraudRules) {}

  /** Restores what the store holds (a new active instance, a restart). */
  load(observations: readonly Observation[], trips: readonly Trip[]): void {
    for (const o of observations) this.index(o);
    for (const t of trips) this.trips.set(`${t.rule}|${t.subject}`, { ...t });
  }

  /** The changes since the last call (the batch's writes). */
  takeChanges(): StateChanges {
    const { observed, forgotten } = this.changes;
    const trips: Trip[] = [];
    const tripsClosed: { rule: string; subject: string }[] = [];
    for (const [key, id] of this.touchedTrips) {
      const trip = this.trips.get(key);
      if (trip) trips.push({ ...trip });
      else tripsClosed.push(id);
    }
    this.changes = emptyChanges();
    this.touchedTrips.clear();
    return { observed, forgotten, trips, tripsClosed };
  }

  observe(fact: VelocityFact): FlagDecision[] {
    if (fact.kind === 'forget') {
      this.forget(fact.customerId);
      return [];
    }
    const observation: Observation =
      fact.kind === 'payment'
        ? definedOnly({
            paymentId: fact.paymentId,
            kind: 'payment' as const,
            at: fact.at,
            customerId: fact.customerId,
            card: fact.card,
            ip: fact.ip,
            device: fact.device,
            email: fact.email,
            amount: fact.amount,
            currency: fact.currency,
          })
        : definedOnly({
            paymentId: fact.paymentId,
            kind: 'failure' as const,
            at: fact.at,
            card: fact.card ?? this.payments.get(fact.paymentId)?.card,
            customerId: this.payments.get(fact.paymentId)?.customerId,
          });
    const decisions: FlagDecision[] = [];
    if (fact.kind === 'payment') decisions.push(...this.singlePaymentRules(fact, observation));
    this.index(observation);
    this.changes.observed.push(observation);
    for (const [rule, spec] of Object.entries(WINDOW_SPECS) as [WindowRuleName, WindowSpec][]) {
      if (spec.kind === observation.kind) decisions.push(...this.windowRule(rule, spec, observation));
    }
    return decisions;
  }

  private windowRule(rule: WindowRuleName, spec: WindowSpec, o: Observation): FlagDecision[] {
    const setting = this.rules.windows[rule];
    const subject = spec.subjectOf(o);
    if (!setting || !subject) return [];
    if (spec.member && spec.member(o) === undefined) return [];
    // Event time is the providers' too, so facts arrive out of order: the window ends at the newest one seen.
    // The observation is in its list already (index), so the list's newest `at` is at least its own.
    const list = this.lists.get(`${subject}|${o.kind}`)!;
    const window = list.window(rule)!;
    const end = list.maxAt;
    if (o.at <= end - setting.windowMs) return [];
    const count = window.count();
    const key = `${rule}|${subject}`;
    const open = this.trips.get(key);
    if (count < setting.threshold) {
      if (open) this.closeTrip(key, open);
      return [];
    }
    const paymentIds = window.paymentIds(MAX_PAYMENT_IDS);
    const finding = { rule, window: setting.window, count, threshold: setting.threshold, paymentIds, at: o.at };
    if (open && open.lastAt > end - setting.windowMs) {
      open.lastAt = Math.max(open.lastAt, o.at);
      this.touchedTrips.set(key, { rule, subject });
      return [decision(finding, o.paymentId, open.tripId)];
    }
    const trip = this.openTrip(key, rule, subject, o);
    return paymentIds.map((paymentId) => decision(finding, paymentId, trip.tripId));
  }

  private singlePaymentRules(fact: Extract<VelocityFact, { kind: 'payment' }>, o: Observation): FlagDecision[] {
    const out: FlagDecision[] = [];
    const subject = prefixed('customer', o.customerId) ?? `payment:${o.paymentId}`;
    if (this.rules.countryMismatch && fact.countryMismatch) out.push(this.single('country_mismatch', subject, o, 1, 1, '24h'));
    const k = this.rules.amountSpike;
    if (k !== undefined && o.customerId !== undefined) {
      // The last 20 in arrival order of the customer's payments in that currency, within 30 days, at or before it.
      const history =
        this.lists
          .get(`${subject}|payment`)
          ?.amountsIn(o.currency)
          ?.recent(o.at - RETENTION_MS, o.at, SPIKE_HISTORY) ?? [];
      const median = medianOf(history);
      if (history.length >= SPIKE_MIN_HISTORY && median !== undefined && fact.amount > k * median)
        out.push(this.single('amount_spike', subject, o, fact.amount, Math.floor(k * median), `${history.length} payments`));
    }
    return out;
  }

  private single(rule: string, subject: string, o: Observation, count: number, threshold: number, window: string): FlagDecision {
    const key = `${rule}|${subject}`;
    let trip = this.trips.get(key);
    if (trip && trip.lastAt > o.at - SINGLE_RULE_TRIP_MS) {
      trip.lastAt = o.at;
      this.touchedTrips.set(key, { rule, subject });
    } else trip = this.openTrip(key, rule, subject, o);
    return decision({ rule, window, count, threshold, paymentIds: [o.paymentId], at: o.at }, o.paymentId, trip.tripId);
  }

  private openTrip(key: string, rule: string, subject: string, o: Observation): Trip {
    const trip: Trip = { rule, subject, tripId: `${rule}:${o.paymentId}`, openedAt: o.at, lastAt: o.at };
    this.trips.set(key, trip);
    this.touchedTrips.set(key, { rule, subject });
    return trip;
  }

  private closeTrip(key: string, trip: Trip): void {
    this.trips.delete(key);
    this.touchedTrips.set(key, { rule: trip.rule, subject: trip.subject });
  }

  private index(o: Observation): void {
    if (o.kind === 'payment') this.payments.set(o.paymentId, o);
    const subjects = distinct(Object.values(WINDOW_SPECS).map((s) => s.subjectOf(o)));
    for (const subject of subjects) {
      if (subject === undefined) continue;
      const key = `${subject}|${o.kind}`;
      let list = this.lists.get(key);
      if (!list) this.lists.set(key, (list = this.newList(subject, o.kind)));
      list.add(o);
      const horizon = o.at - (subject.startsWith('customer:') ? RETENTION_MS : 24 * HOUR);
      for (const old of list.trim(horizon)) {
        if (old.kind === 'payment' && subject.startsWith('customer:') && o.at - old.at > RETENTION_MS) this.payments.delete(old.paymentId);
      }
    }
  }

  /** An empty list with a window for each rule counted there. */
  private newList(subject: string, kind: Observation['kind']): SubjectList {
    const windows: SlidingWindow[] = [];
    for (const [rule, spec] of Object.entries(WINDOW_SPECS) as [WindowRuleName, WindowSpec][]) {
      const setting = this.rules.windows[rule];
      if (setting && spec.kind === kind && subject.startsWith(`${spec.prefix}:`))
        windows.push(new SlidingWindow(rule, setting, spec.member));
    }
    return new SubjectList(subject, kind, windows);
  }

  /** A CustomerForgotten fact: every observation and trip of theirs goes, from memory and (through the changes) from the tables. */
  private forget(customerId: string): void {
    const subjects = new Set([`customer:${customerId}`]);
    for (const list of this.lists.values()) {
      for (const o of list.observations())
        if (o.customerId === customerId) for (const spec of Object.values(WINDOW_SPECS)) subjects.add(spec.subjectOf(o) ?? '');
    }
    subjects.delete('');
    for (const [key, list] of this.lists) {
      const kept = [...list.observations()].filter((o) => o.customerId !== customerId);
      if (kept.length === 0) this.lists.delete(key);
      else if (kept.length !== list.length) {
        // The rare rebuild: the newest `at` may go back, so the windows are counted afresh (without trimming, as before).
        const rebuilt = this.newList(list.subject, list.kind);
        for (const o of kept) rebuilt.add(o);
        this.lists.set(key, rebuilt);
      }
    }
    for (const [paymentId, o] of this.payments) if (o.customerId === customerId) this.payments.delete(paymentId);
    // Their tokens leave the trips too (a card's or an IP's trip names the token as its subject).
    for (const [key, trip] of this.trips) if (subjects.has(trip.subject)) this.trips.delete(key);
    for (const [key, id] of this.touchedTrips) if (subjects.has(id.subject)) this.touchedTrips.delete(key);
    this.changes.observed.splice(0, this.changes.observed.length, ...this.changes.observed.filter((o) => o.customerId !== customerId));
    this.changes.forgotten.push({ customerId, subjects: [...subjects] });
  }
}

function decision(finding: Omit<FlagDecision, 'commandId' | 'paymentId' | 'tripId'>, paymentId: string, tripId: string): FlagDecision {
  return { ...finding, commandId: commandIdOf(finding.rule, paymentId), paymentId, tripId };
}

function medianOf(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function emptyChanges(): { observed: Observation[]; forgotten: { customerId: string; subjects: string[] }[] } {
  return { observed: [], forgotten: [] };
}
