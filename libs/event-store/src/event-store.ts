import type { Position } from './position';

/** Mirrors EventStoreDB's expected-revision options one to one. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface EventData<D = unknown, M = Record<string, unknown>> {
  /** UUID. Deterministic ids make re-appends idempotent. Generated when absent. */
  readonly eventId?: string;
  readonly type: string;
  readonly data: D;
  readonly metadata?: M;
}

export interface RecordedEvent<D = unknown, M = Record<string, unknown>> {
  readonly eventId: string;
  readonly streamId: string;
  readonly type: string;
  readonly revision: bigint;
  readonly position: Position;
  readonly data: D;
  readonly metadata: M;
  readonly recordedAt: Date;
}

export interface AppendResult {
  readonly nextExpectedRevision: bigint;
  readonly position: Position;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  readonly direction?: Direction;
  /** Forwards: first revision returned; backwards: last. Defaults to start / end. */
  readonly fromRevision?: bigint;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after (forwards) or before (backwards) this position. */
  readonly after?: Position;
  readonly before?: Position;
  readonly direction?: Direction;
  readonly maxCount?: number;
  readonly streamPrefix?: string;
  /**
   * At most about this many bytes of stored event data in the page (always at least one event): a page of large
   * events (a payout's report lines) ends early, and the caller reads on after its last event. PostgreSQL counts
   * the stored (compressed) size; EventStoreDB ignores it.
   */
  readonly maxBytes?: number;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint; omitted = from the first event. */
  readonly after?: Position;
  readonly streamPrefix?: string;
  readonly maxBatchSize?: number;
  /** A batch's bound in stored bytes, as ReadAllOptions.maxBytes (PostgreSQL; EventStoreDB ignores it). */
  readonly maxBatchBytes?: number;
}

/**
 * The batch bound in stored bytes the projections read with (ProjectionRunner, and the specs and benchmarks that
 * project as it does). A 100,000-line report is about 200 events of 500 lines: read 500 events at a time, one batch
 * held every line at once and took a projector past its 128 MB heap ceiling (libs/platform heap-flags). Payment
 * events are well under a kilobyte: 500 of them never reach it.
 */
export const PROJECTION_BATCH_BYTES = 2 * 1024 * 1024;

export type SubscriptionMessage =
  { readonly kind: 'events'; readonly events: readonly RecordedEvent[] } | { readonly kind: 'caughtUp'; readonly position?: Position };

/** A catch-up subscription: historical events first, then `caughtUp`, then live events. */
export interface Subscription extends AsyncIterable<SubscriptionMessage> {
  stop(): Promise<void>;
}

/** The event-store port: one contract, one test suite, two adapters (PostgreSQL, EventStoreDB). */
export interface EventStore {
  appendToStream(streamId: string, events: readonly EventData[], expected: ExpectedRevision): Promise<AppendResult>;
  /** A stream with no events reads as an empty list, never an error. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** All streams in global order, one page; callers page with `after` / `before`. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /** Position of the newest event, for lag; undefined when empty. */
  headPosition(): Promise<Position | undefined>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');
