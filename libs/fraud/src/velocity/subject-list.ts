import type { WindowRule, WindowRuleName } from '@ledger/platform';
import type { Observation } from './velocity-state';

/**
 * The incremental structures behind `VelocityState`: what each fact costs is O(log n) in a subject's history
 * (a heap push and the pops it causes), never a rescan of the list. They hold exactly what the former
 * full-list scans computed (testing/reference-velocity-state.ts is the specification; the property test compares).
 */

/** One observation as one list holds it (an observation is in up to three lists, each trimmed at its own horizon). */
export interface Entry {
  readonly o: Observation;
  /** Trimmed from this list (the lists are trimmed from their oldest arrival). */
  gone: boolean;
  /** Its node in each window of the list, by the window's index (undefined: not counted there, or it came too late). */
  readonly nodes: (WindowNode | undefined)[];
}

interface WindowNode {
  readonly entry: Entry;
  readonly member: string | undefined;
  inWindow: boolean;
  prev: WindowNode | undefined;
  next: WindowNode | undefined;
}

/**
 * One window rule over one subject's list: the counted observations with `at` > the list's newest `at` − the window.
 * A min-heap by `at` says which leave as the window's end moves on; a list in arrival order gives the paymentIds;
 * counts per member and per payment id give the distinct counts without a scan.
 */
export class SlidingWindow {
  private readonly heap: WindowNode[] = [];
  private first: WindowNode | undefined;
  private last: WindowNode | undefined;
  private size = 0;
  private readonly members = new Map<string, number>();
  private readonly ids = new Map<string, number>();

  constructor(
    readonly rule: WindowRuleName,
    readonly setting: WindowRule,
    /** Distinct values counted; undefined: every observation counts. */
    private readonly member: ((o: Observation) => string | undefined) | undefined,
  ) {}

  /** The rule's count: distinct members, or observations. */
  count(): number {
    return this.member ? this.members.size : this.size;
  }

  /** Takes in a new arrival (the newest in arrival order) when it counts and lies in the window. */
  add(entry: Entry, index: number, end: number): void {
    const member = this.member ? this.member(entry.o) : undefined;
    if (this.member && member === undefined) return;
    if (entry.o.at <= end - this.setting.windowMs) return;
    const node: WindowNode = { entry, member, inWindow: true, prev: this.last, next: undefined };
    entry.nodes[index] = node;
    if (this.last) this.last.next = node;
    else this.first = node;
    this.last = node;
    this.size++;
    if (member !== undefined) this.members.set(member, (this.members.get(member) ?? 0) + 1);
    const id = entry.o.paymentId;
    this.ids.set(id, (this.ids.get(id) ?? 0) + 1);
    this.push(node);
  }

  /** The window's end moved to `end`: what is now at or before its start leaves. */
  advance(end: number): void {
    const start = end - this.setting.windowMs;
    while (this.heap.length > 0 && this.heap[0].entry.o.at <= start) {
      const node = this.pop();
      if (node.inWindow) this.remove(node);
    }
  }

  /** An observation leaves (trimmed from the list) while in the window. */
  remove(node: WindowNode): void {
    node.inWindow = false;
    if (node.prev) node.prev.next = node.next;
    else this.first = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.last = node.prev;
    node.prev = node.next = undefined;
    this.size--;
    if (node.member !== undefined) decrement(this.members, node.member);
    decrement(this.ids, node.entry.o.paymentId);
  }

  /**
   * The window's payment ids in arrival order, each once at its first arrival in the window, the last `max` of
   * them (as `distinct(ids).slice(-max)`): walking back from the newest, an id is placed when its last
   * (earliest) occurrence in the window is reached.
   */
  paymentIds(max: number): string[] {
    const out: string[] = [];
    let seen: Map<string, number> | undefined;
    for (let node = this.last; node && out.length < max; node = node.prev) {
      const id = node.entry.o.paymentId;
      const total = this.ids.get(id)!;
      if (total === 1) out.push(id);
      else {
        seen ??= new Map();
        const n = (seen.get(id) ?? 0) + 1;
        seen.set(id, n);
        if (n === total) out.push(id);
      }
    }
    return out.reverse();
  }

  private push(node: WindowNode): void {
    const heap = this.heap;
    let i = heap.push(node) - 1;
    const at = node.entry.o.at;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent].entry.o.at <= at) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = node;
  }

  private pop(): WindowNode {
    const heap = this.heap;
    const top = heap[0];
    const tail = heap.pop()!;
    if (heap.length > 0) {
      const at = tail.entry.o.at;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && heap[right].entry.o.at < heap[left].entry.o.at ? right : left;
        if (heap[child].entry.o.at >= at) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = tail;
    }
    return top;
  }
}

/**
 * A customer's payments in one currency with an amount, in arrival order, for amount_spike's "last 20 within
 * 30 days and at or before the payment". Beside each, the least and greatest `at` up to it (trimmed ones included:
 * conservative), so a walk back from the newest stops where nothing earlier can qualify.
 */
export class AmountHistory {
  private entries: Entry[] = [];
  private least: number[] = [];
  private greatest: number[] = [];
  private head = 0;

  add(entry: Entry): void {
    const n = this.entries.length;
    const at = entry.o.at;
    this.least.push(n === 0 ? at : Math.min(this.least[n - 1], at));
    this.greatest.push(n === 0 ? at : Math.max(this.greatest[n - 1], at));
    this.entries.push(entry);
  }

  /** The list was trimmed: drops what left it from the front. */
  trimmed(): void {
    while (this.head < this.entries.length && this.entries[this.head].gone) this.head++;
    if (this.head > 64 && this.head * 2 > this.entries.length) {
      const kept = this.entries.slice(this.head);
      this.entries = [];
      this.least = [];
      this.greatest = [];
      this.head = 0;
      for (const e of kept) this.add(e);
    }
  }

  /** The amounts of the last `max` (arrival order) with `from < at <= to`, oldest first. */
  recent(from: number, to: number, max: number): number[] {
    const out: number[] = [];
    for (let i = this.entries.length - 1; i >= this.head && out.length < max; i--) {
      if (this.least[i] > to || this.greatest[i] <= from) break;
      const e = this.entries[i];
      if (!e.gone && e.o.at > from && e.o.at <= to) out.push(e.o.amount!);
    }
    return out.reverse();
  }
}

/** One subject's observations of one kind, in arrival order, with the windows of the rules counted there. */
export class SubjectList {
  private entries: Entry[] = [];
  private head = 0;
  /** The newest `at` in the list: the windows' end (the newest never leaves by trimming). */
  maxAt = -Infinity;
  /** A customer's payments by currency (amount_spike); undefined for other lists. */
  private readonly amounts: Map<string, AmountHistory> | undefined;

  constructor(
    readonly subject: string,
    readonly kind: Observation['kind'],
    readonly windows: readonly SlidingWindow[],
  ) {
    this.amounts = kind === 'payment' && subject.startsWith('customer:') ? new Map() : undefined;
  }

  /** Observations in the list, oldest arrival first. */
  *observations(): Iterable<Observation> {
    for (let i = this.head; i < this.entries.length; i++) yield this.entries[i].o;
  }

  get length(): number {
    return this.entries.length - this.head;
  }

  window(rule: WindowRuleName): SlidingWindow | undefined {
    return this.windows.find((w) => w.rule === rule);
  }

  amountsIn(currency: string | undefined): AmountHistory | undefined {
    return currency === undefined ? undefined : this.amounts?.get(currency);
  }

  add(o: Observation): void {
    if (o.at > this.maxAt) {
      this.maxAt = o.at;
      for (const w of this.windows) w.advance(this.maxAt);
    }
    const entry: Entry = { o, gone: false, nodes: [] };
    this.entries.push(entry);
    this.windows.forEach((w, i) => w.add(entry, i, this.maxAt));
    if (this.amounts && o.currency !== undefined && o.amount !== undefined) {
      let history = this.amounts.get(o.currency);
      if (!history) this.amounts.set(o.currency, (history = new AmountHistory()));
      history.add(entry);
    }
  }

  /** Drops the oldest arrivals while at or before `horizon` (never the newest arrival); returns them. */
  trim(horizon: number): Observation[] {
    const dropped: Observation[] = [];
    while (this.head < this.entries.length && this.entries[this.head].o.at <= horizon) {
      const entry = this.entries[this.head++];
      entry.gone = true;
      entry.nodes.forEach((node, i) => {
        if (node?.inWindow) this.windows[i].remove(node);
      });
      dropped.push(entry.o);
      if (entry.o.currency !== undefined) this.amounts?.get(entry.o.currency)?.trimmed();
    }
    if (this.head > 64 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return dropped;
  }
}

function decrement(counts: Map<string, number>, key: string): void {
  const n = counts.get(key)! - 1;
  if (n === 0) counts.delete(key);
  else counts.set(key, n);
}
