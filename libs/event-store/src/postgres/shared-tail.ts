import type { RecordedEvent } from '../event-store';
import { comparePositions, START, type Position } from '../position';

/** An event as the tail holds it, with its data's stored size (`pg_column_size`, what a page's byte bound counts). */
export interface SizedEvent {
  readonly event: RecordedEvent;
  readonly bytes: number;
}

/** One read of the log after a position: at most `maxCount` events while the stored bytes before each stay under `maxBytes`. */
export type TailRead = (
  after: Position | undefined,
  maxCount: number,
  maxBytes: number,
) => Promise<{ events: SizedEvent[]; more: boolean }>;

export interface SharedTailOptions {
  /** How long one read of the log's head serves every subscriber that catches up to it before the next read. */
  readonly freshMs: number;
  /** One read of the head fetches at most this many events and this many stored bytes (the last event always). */
  readonly readCount: number;
  readonly readBytes: number;
  /** What the tail keeps at most, the oldest dropped first; the last read's events always stay. */
  readonly maxEvents: number;
  readonly maxBytes: number;
  readonly now?: () => number;
}

/**
 * The newest stretch of the log, read once and served to every subscriber of this process that reads there (issue
 * 33), each only its own streams (a stream prefix): the projector's subscribers follow the same head, and each read
 * the same rows, parsed them and let them go. The tail holds (start, end]: exactly the log's events in that range, since a read returns only
 * events below the visibility horizon and nothing commits below it later (the store's ordering scheme), so a page
 * served from it is the page a read of the database would return. A subscriber behind `start` reads the database
 * itself; one past `end` has the tail read on, and starts it again at its position if that did not reach it. The events are frozen, data and metadata: several
 * projections get the same objects.
 */
export class SharedTail {
  private start: Position | undefined;
  private end: Position = START;
  private entries: SizedEvent[] = [];
  private bytes = 0;
  /** The last read stopped short of the visible log (a full page, or cut by its bytes). */
  private more = true;
  private readAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | undefined;
  /** Bumped whenever the tail starts again: a read begun before then is dropped. */
  private generation = 0;
  private readonly now: () => number;

  constructor(
    private readonly read: TailRead,
    private readonly options: SharedTailOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * The page of the streams starting with `prefix` after `after`, or undefined when the tail does not reach back
   * that far (read it from the database).
   */
  async page(
    after: Position | undefined,
    maxCount: number,
    maxBytes = Number.POSITIVE_INFINITY,
    prefix = '',
  ): Promise<{ events: RecordedEvent[]; more: boolean } | undefined> {
    const from = after ?? START;
    if (this.start === undefined) this.restartAt(from);
    else if (comparePositions(from, this.end) > 0) {
      // Past the end (it read on its own while behind, or the tail is stale): one read on first, then start again.
      await this.readHead();
      if (comparePositions(from, this.end) > 0) this.restartAt(from);
    }
    if (!this.covers(from)) return undefined;
    let page = this.serve(from, maxCount, maxBytes, prefix);
    if (!page.full && (this.more || this.now() - this.readAt >= this.options.freshMs)) {
      await this.readHead();
      if (!this.covers(from)) return undefined;
      page = this.serve(from, maxCount, maxBytes, prefix);
    }
    return { events: page.events, more: page.full || (page.atEnd && this.more) };
  }

  /** What the tail holds (for its tests and metrics). */
  get size(): { readonly events: number; readonly bytes: number } {
    return { events: this.entries.length, bytes: this.bytes };
  }

  private covers(from: Position): boolean {
    return this.start !== undefined && comparePositions(from, this.start) >= 0 && comparePositions(from, this.end) <= 0;
  }

  private restartAt(from: Position): void {
    this.generation++;
    this.start = from;
    this.end = from;
    this.entries = [];
    this.bytes = 0;
    this.more = true;
    this.readAt = Number.NEGATIVE_INFINITY;
    this.reading = undefined;
  }

  /** The prefix's events after `from`, as a database page would cut them; `atEnd` when it ran out of what the tail holds. */
  private serve(
    from: Position,
    maxCount: number,
    maxBytes: number,
    prefix: string,
  ): { events: RecordedEvent[]; full: boolean; atEnd: boolean } {
    const events: RecordedEvent[] = [];
    let bytesBefore = 0;
    for (let i = this.firstAfter(from); i < this.entries.length; i++) {
      if (!this.entries[i].event.streamId.startsWith(prefix)) continue;
      if (events.length >= maxCount || bytesBefore >= maxBytes) return { events, full: true, atEnd: false };
      events.push(this.entries[i].event);
      bytesBefore += this.entries[i].bytes;
    }
    return { events, full: events.length >= maxCount, atEnd: true };
  }

  /** The index of the first event after `from` (binary search: the entries are in log order). */
  private firstAfter(from: Position): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (comparePositions(this.entries[mid].event.position, from) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** One read after `end` for everyone waiting on it; a read begun before a restart is dropped. */
  private readHead(): Promise<void> {
    if (this.reading) return this.reading;
    const generation = this.generation;
    const after = this.end;
    this.readAt = this.now();
    const reading = this.read(comparePositions(after, START) === 0 ? undefined : after, this.options.readCount, this.options.readBytes)
      .then(({ events, more }) => {
        if (generation !== this.generation) return;
        const kept = this.entries.length;
        for (const sized of events) {
          deepFreeze(sized.event);
          this.entries.push(sized);
          this.bytes += sized.bytes;
        }
        if (events.length > 0) this.end = events[events.length - 1].event.position;
        this.more = more;
        this.trim(kept);
      })
      .finally(() => {
        if (this.reading === reading) this.reading = undefined;
      });
    this.reading = reading;
    return reading;
  }

  /** Drops the oldest of the first `older` entries (those before the last read) while the tail is over its bounds. */
  private trim(older: number): void {
    let drop = 0;
    let bytes = this.bytes;
    while (drop < older && (this.entries.length - drop > this.options.maxEvents || bytes > this.options.maxBytes)) {
      bytes -= this.entries[drop].bytes;
      drop++;
    }
    if (drop === 0) return;
    this.start = this.entries[drop - 1].event.position;
    this.entries = this.entries.slice(drop);
    this.bytes = bytes;
  }
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
}
