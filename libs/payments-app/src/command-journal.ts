import type { AppendResult, EventData, ExpectedRevision, RecordedEvent } from '@ledger/event-store';
import type { PersonalDataCipher } from '@ledger/security';
import type { CommandKey } from './event-ids';

/** The response a keyed command's caller sends, as stored for its replays: status and exact bytes. */
export interface RecordedResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * A keyed command whose Idempotency-Key is claimed with its stream read and whose response is recorded with
 * its append (see CommandJournal). The caller makes it; the journal marks what it did.
 */
export interface KeyedRecord {
  readonly key: CommandKey;
  /** Fingerprint of the request the key is bound to. */
  readonly requestHash: string;
  /** The bytes the caller will send for this value, as they are to be stored (personal fields sealed with `keys`). */
  seal(value: unknown, keys?: PersonalDataCipher): Promise<RecordedResponse>;
  /** Set once this request holds the key. */
  claimed: boolean;
  /** Set once the response is stored (with the append). */
  recorded: boolean;
}

/**
 * Where a store that shares a transaction with the idempotency records (PostgreSQL) runs a keyed command in
 * two round trips and one durable commit: claim + read, then append + record. EventStoreDB has none: there the
 * caller claims and completes around the runner, as before.
 */
export interface CommandJournal {
  /** Claims the key and reads the whole stream in one round trip; throws when the key is not this request's to run. */
  claimAndRead(streamId: string, record: KeyedRecord): Promise<RecordedEvent[]>;
  /** Appends at the expected revision and stores the response, in one transaction whose first write is the append. */
  appendAndRecord(
    streamId: string,
    events: readonly EventData[],
    expected: ExpectedRevision,
    record: KeyedRecord,
    response: RecordedResponse,
  ): Promise<AppendResult>;
}
