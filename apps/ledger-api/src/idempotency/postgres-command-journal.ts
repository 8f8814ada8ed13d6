import type { Pool } from 'pg';
import {
  toRecordedEvent,
  type EventData,
  type EventRow,
  type ExpectedRevision,
  type PostgresEventStore,
  type RecordedEvent,
} from '@ledger/event-store';
import type { AppendResult } from '@ledger/event-store';
import type { CommandJournal, KeyedRecord, RecordedResponse } from '@ledger/payments-app';
import type { IdempotencyBegin, IdempotencyRepository } from './idempotency.repository';

/** The key is not this request's to run: a replay, a reuse or one still in flight. The interceptor answers it. */
export class KeyNotRunnable extends Error {
  constructor(readonly begin: Exclude<IdempotencyBegin, { kind: 'started' }>) {
    super(`idempotency key ${begin.kind}`);
    this.name = 'KeyNotRunnable';
  }
}

/**
 * A keyed command in two round trips and one durable commit on the PostgreSQL store. The claim (an insert that
 * commits without waiting for the WAL flush, on the idempotency pool) and the stream read are one statement;
 * the append and the response are one call of ledger.append_and_record. Anything but a fresh claim (a replay,
 * a reuse, an expired or abandoned record) takes the repository's own path.
 */
export class PostgresCommandJournal implements CommandJournal {
  constructor(
    private readonly claims: Pool,
    private readonly store: PostgresEventStore,
    private readonly records: IdempotencyRepository,
  ) {}

  async claimAndRead(streamId: string, record: KeyedRecord): Promise<RecordedEvent[]> {
    const { rows } = await this.claims.query<EventRow & { claimed: boolean | null }>({
      name: 'idempotency_claim_and_read',
      text: `WITH claim AS (
               INSERT INTO ledger.idempotency_keys (api_key_id, key, request_hash, status, expires_at)
               VALUES ($1, $2, $3, 'in_flight', now() + $4 * interval '1 millisecond')
               ON CONFLICT DO NOTHING RETURNING true AS claimed)
             SELECT (SELECT claimed FROM claim) AS claimed, e.*
               FROM (VALUES (1)) one LEFT JOIN event_store.events e ON e.stream_id = $5
              ORDER BY e.revision`,
      values: [record.key.namespace, record.key.key, record.requestHash, this.records.ttlMs, streamId],
    });
    if (rows[0]?.claimed) {
      record.claimed = true;
      return rows.filter((row) => row.event_id !== null).map(toRecordedEvent);
    }
    const begin = await this.records.begin({ apiKeyId: record.key.namespace, key: record.key.key }, record.requestHash);
    if (begin.kind !== 'started') throw new KeyNotRunnable(begin);
    record.claimed = true;
    return this.store.readStream(streamId);
  }

  async appendAndRecord(
    streamId: string,
    events: readonly EventData[],
    expected: ExpectedRevision,
    record: KeyedRecord,
    response: RecordedResponse,
  ): Promise<AppendResult> {
    const more = [record.key.namespace, record.key.key, response.status, response.body];
    const result = await this.store.appendVia('ledger.append_and_record', streamId, events, expected, more);
    record.recorded = true;
    return result;
  }
}
