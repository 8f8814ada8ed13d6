import type { IdempotencyClaim, StoredAnswer } from '@ledger/event-store';
import type { OwnedDataKey, PersonalDataCipher } from '@ledger/security';
import type { CommandOutcome } from './command-runner';

/**
 * An Idempotency-Key's request as the use case takes it (Formance's ledger takes the key and its hash the
 * same way): the claim, and how the caller answers, as the bytes stored for the key's replays.
 */
export interface KeyedRequest {
  readonly claim: IdempotencyClaim;
  /** Data keys the caller already looked up for this request (hashing it): its sessions start with them. */
  readonly dataKeys?: readonly OwnedDataKey[];
  /** The answer for an outcome, stored with the append; its personal fields sealed with `keys`. */
  answer(outcome: CommandOutcome, keys?: PersonalDataCipher): Promise<StoredAnswer>;
  /** The answer kept for a refusal (replayed like any answer), or undefined to free the key for a retry. */
  answerRefusal(error: unknown): StoredAnswer | undefined;
}

/** What a keyed request got: a fresh outcome, or the answer stored the first time. */
export type KeyedOutcome =
  { readonly kind: 'fresh'; readonly outcome: CommandOutcome } | { readonly kind: 'replay'; readonly answer: StoredAnswer };

/** The Idempotency-Key is bound to another request (another body, endpoint or payment). */
export class IdempotencyKeyReused extends Error {
  readonly code = 'idempotency_key_reused';
  constructor() {
    super('This Idempotency-Key was used with a different request');
    this.name = 'IdempotencyKeyReused';
  }
}

/** A request with the same Idempotency-Key is still running. */
export class IdempotencyKeyInFlight extends Error {
  readonly code = 'idempotency_key_in_use';
  constructor() {
    super('A request with this Idempotency-Key is still in progress');
    this.name = 'IdempotencyKeyInFlight';
  }
}
