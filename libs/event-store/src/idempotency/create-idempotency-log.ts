import type { Pool } from 'pg';
import type { AppendResult, EventData, EventStore, ExpectedRevision, RecordedEvent } from '../event-store';
import { PostgresEventStore } from '../postgres/postgres-event-store';
import { Coalescer, type CoalescerOptions } from '../postgres/coalescer';
import type { ClaimOutcome, ClaimRefusal, IdempotencyClaim, IdempotencyLog, StoredAnswer } from './idempotency-log';
import { IdempotencyRecords } from './idempotency-records';

/**
 * The idempotency log beside `store`, its records in PostgreSQL (`pool`: give it one that commits without
 * waiting for the WAL flush, createIdempotencyPool). On the PostgreSQL store the claim rides on the stream
 * read and the answer on the append; on any other store each is its own step.
 */
export function createIdempotencyLog(
  store: EventStore,
  pool: Pool,
  ttlMs: number,
  options: { readonly coalesce?: false | CoalescerOptions } = {},
): IdempotencyLog {
  const records = new IdempotencyRecords(pool, ttlMs, options.coalesce);
  return store instanceof PostgresEventStore
    ? new PostgresIdempotencyLog(store, records, options.coalesce)
    : new SeparateIdempotencyLog(store, records);
}

abstract class RecordsIdempotencyLog implements IdempotencyLog {
  constructor(protected readonly records: IdempotencyRecords) {}

  abstract claimAndRead(streamId: string, claim: IdempotencyClaim): Promise<ClaimOutcome>;
  abstract appendAndRecord(
    streamId: string,
    events: readonly EventData[],
    expected: ExpectedRevision,
    claim: IdempotencyClaim,
    answer: StoredAnswer,
  ): Promise<AppendResult>;

  record(claim: IdempotencyClaim, answer: StoredAnswer): Promise<void> {
    return this.records.record(claim, answer);
  }

  release(claim: IdempotencyClaim): Promise<void> {
    return this.records.release(claim);
  }

  peek(claim: IdempotencyClaim): Promise<ClaimRefusal | undefined> {
    return this.records.peek(claim);
  }

  storedRequestHash(claim: Pick<IdempotencyClaim, 'namespace' | 'key'>): Promise<string | undefined> {
    return this.records.storedRequestHash(claim);
  }

  purgeExpired(): Promise<number> {
    return this.records.purgeExpired();
  }

  async close(): Promise<void> {
    await this.records.pool.end();
  }
}

interface PendingClaim {
  readonly streamId: string;
  readonly claim: IdempotencyClaim;
}

/**
 * Two round trips and one durable commit per keyed command; anything but a fresh claim takes the records' own path.
 * Concurrent claims of this process share one statement (issue 33: a Coalescer, keyed by the Idempotency-Key, so two
 * requests under one key never share it and the later sees the earlier's claim); their appends share one through
 * the store's own coalescer.
 */
class PostgresIdempotencyLog extends RecordsIdempotencyLog {
  private readonly claims?: Coalescer<PendingClaim, { claimed: boolean; events: RecordedEvent[] }>;

  constructor(
    private readonly store: PostgresEventStore,
    records: IdempotencyRecords,
    coalesce?: false | CoalescerOptions,
  ) {
    super(records);
    if (coalesce !== false) {
      this.claims = new Coalescer(
        async (items) => {
          const one = (item: PendingClaim) => this.store.claimAndReadStream(records.pool, item.streamId, item.claim, records.ttlMs);
          // A batch refused as a whole claimed nothing: each claim then runs on its own and gets its own error.
          const reads =
            items.length > 1 ? await this.store.claimAndReadStreams(records.pool, items, records.ttlMs).catch(() => undefined) : undefined;
          if (reads) return reads.map((value) => ({ ok: true, value }));
          return Promise.all(
            items.map((item) =>
              one(item).then(
                (value) => ({ ok: true, value }) as const,
                (error: unknown) => ({ ok: false, error }) as const,
              ),
            ),
          );
        },
        (item) => JSON.stringify([item.claim.namespace, item.claim.key]),
        coalesce,
      );
    }
  }

  async claimAndRead(streamId: string, claim: IdempotencyClaim): Promise<ClaimOutcome> {
    const read = this.claims
      ? await this.claims.submit({ streamId, claim })
      : await this.store.claimAndReadStream(this.records.pool, streamId, claim, this.records.ttlMs);
    if (read.claimed) return { kind: 'claimed', events: read.events };
    const refusal = await this.records.claim(claim);
    return refusal ?? { kind: 'claimed', events: await this.store.readStream(streamId) };
  }

  appendAndRecord(
    streamId: string,
    events: readonly EventData[],
    expected: ExpectedRevision,
    claim: IdempotencyClaim,
    answer: StoredAnswer,
  ): Promise<AppendResult> {
    return this.store.appendAndRecord(streamId, events, expected, claim, answer);
  }
}

/** A store that shares no transaction with PostgreSQL: claim, then read; append, then record. */
class SeparateIdempotencyLog extends RecordsIdempotencyLog {
  constructor(
    private readonly store: EventStore,
    records: IdempotencyRecords,
  ) {
    super(records);
  }

  async claimAndRead(streamId: string, claim: IdempotencyClaim): Promise<ClaimOutcome> {
    const refusal = await this.records.claim(claim);
    return refusal ?? { kind: 'claimed', events: await this.store.readStream(streamId) };
  }

  async appendAndRecord(
    streamId: string,
    events: readonly EventData[],
    expected: ExpectedRevision,
    claim: IdempotencyClaim,
    answer: StoredAnswer,
  ): Promise<AppendResult> {
    const result = await this.store.appendToStream(streamId, events, expected);
    await this.records.record(claim, answer);
    return result;
  }
}
