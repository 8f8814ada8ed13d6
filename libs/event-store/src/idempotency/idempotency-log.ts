import type { AppendResult, EventData, ExpectedRevision, RecordedEvent } from '../event-store';

/**
 * An Idempotency-Key of one caller (an API key), bound to the request it first came with. Kept with the
 * log, as Formance's ledger keeps the key and its hash with each transaction: the key is claimed with the
 * stream's read and its answer is stored with the append.
 */
export interface IdempotencyClaim {
  readonly namespace: string;
  readonly key: string;
  /** Fingerprint of the request the key is bound to; another request under the key is refused. */
  readonly requestHash: string;
  /**
   * This request's fingerprint made the way `stored` was (a keyed hash names its data key), for a caller that hashed
   * before knowing whether a record exists: consulted only when the key's record holds another hash, and may throw
   * (the key that hash names is gone). Without it, `requestHash` is compared as it is.
   */
  readonly rehash?: (stored: string) => Promise<string>;
}

/** What the caller answered, as stored for its replays: status and exact bytes. */
export interface StoredAnswer {
  readonly status: number;
  readonly body: string;
}

/** Why a key is not this request's to run: answered before (replay), bound to another request, or still running. */
export type ClaimRefusal =
  { readonly kind: 'replay'; readonly answer: StoredAnswer } | { readonly kind: 'reused' } | { readonly kind: 'in_flight' };

export type ClaimOutcome = { readonly kind: 'claimed'; readonly events: RecordedEvent[] } | ClaimRefusal;

/**
 * The idempotency records of keyed commands, owned by the store adapters (the table is
 * `ledger.idempotency_keys`). On PostgreSQL a keyed command costs two round trips and one durable commit:
 * claim + read, then append + answer. Where the store shares no transaction with the records
 * (EventStoreDB), the same calls run as two steps each; a crash in between is harmless, since a retried
 * command appends the same deterministic event ids.
 */
export interface IdempotencyLog {
  /** Claims the key for this request and reads the stream; any other outcome reads nothing. */
  claimAndRead(streamId: string, claim: IdempotencyClaim): Promise<ClaimOutcome>;
  /** Appends at the expected revision and stores the claimed key's answer, in one transaction where the store has one. */
  appendAndRecord(
    streamId: string,
    events: readonly EventData[],
    expected: ExpectedRevision,
    claim: IdempotencyClaim,
    answer: StoredAnswer,
  ): Promise<AppendResult>;
  /** Stores the answer of a claimed key whose command appended nothing (already applied, or refused). */
  record(claim: IdempotencyClaim, answer: StoredAnswer): Promise<void>;
  /** Forgets a claim whose request produced nothing worth replaying (an outage, a lost race): a retry runs again. */
  release(claim: IdempotencyClaim): Promise<void>;
  /**
   * The request hash a live record of this key is bound to, undefined when there is none: the caller hashes a retry
   * under the same key the first request's hash was made with (a keyed hash names its data key).
   */
  storedRequestHash(claim: Pick<IdempotencyClaim, 'namespace' | 'key'>): Promise<string | undefined>;
  /** What an existing record would answer, without claiming; undefined when there is none to honour. */
  peek(claim: IdempotencyClaim): Promise<ClaimRefusal | undefined>;
  /** Deletes records past their time to live; returns how many. */
  purgeExpired(): Promise<number>;
  close(): Promise<void>;
}

export const IDEMPOTENCY_LOG = Symbol('IDEMPOTENCY_LOG');
