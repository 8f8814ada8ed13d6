import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type {
  AppendResult,
  EventData,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store';
import { PROJECTION_BATCH_BYTES } from '../event-store';
import { WrongExpectedVersionError } from '../errors';
import type { Position } from '../position';
import { PollingSubscription } from '../subscription-iterator';
import { committedAfter, committedHead, readHorizon, type Horizon } from './horizon';
import { findForeignHistory, type ForeignHistory } from './rebase';
import type { IdempotencyClaim, StoredAnswer } from '../idempotency/idempotency-log';
import { EventRow, WRONG_EXPECTED_VERSION_SQLSTATE, toRecordedEvent } from './rows';
import { Coalescer, type CoalescerOptions, type Settled } from './coalescer';
import { SharedTail, type SizedEvent } from './shared-tail';

/**
 * The PostgreSQL adapter (schema: migrations/…-event-store.ts).
 *
 * Ordering scheme: transaction-id visibility horizon. Each row records the id of
 * the transaction that appended it; `$all` is ordered by (transaction_id,
 * global_position) and a reader only returns rows whose transaction id is below
 * the oldest transaction still running (`pg_snapshot_xmin(pg_current_snapshot())`).
 * Nothing can later commit below that horizon, so a subscriber that checkpoints
 * the same tuple never skips an event that committed out of sequence order. We
 * chose it over a global append lock because appends to different streams stay
 * fully concurrent (group commit keeps the store near raw INSERT speed).
 * Per-stream order: `append_events` takes a transaction-scoped advisory lock on
 * the stream before its first write, i.e. before the transaction gets its id,
 * so a later append to the same stream always has a larger transaction id. The
 * function checks this itself: called once its transaction holds an id, it
 * refuses (NOT_FIRST_WRITE_SQLSTATE), so each append runs as its own statement.
 */
/**
 * Coalesced appends (issue 33): concurrent appends of this process go out together, one call of
 * `ledger.append_and_record_batch` (migration 1764003300000), one statement and one commit for the lot. The batch
 * keeps the first-write rule: it takes every stream lock it needs, in a fixed order, before its first write; each
 * append is checked against its own expected revision and gets its own result or WrongExpectedVersionError; two
 * appends to one stream never share a batch nor run in two at once (the later waits). A lone append takes the
 * one-stream statement below, unchanged.
 */
const APPEND_BATCH = {
  name: 'append_and_record_batch',
  text: `SELECT item, next_revision, tx_id, last_position, actual FROM ledger.append_and_record_batch($1::jsonb) ORDER BY item`,
};
/** The two appends, each one call of a SQL function whose first write is append_events (migrations/append-events.sql.ts). */
const APPEND = {
  name: 'append_events',
  text: `SELECT next_revision, tx_id, last_position FROM event_store.append_events($1, $2, $3::jsonb)`,
};
/** migrations/…-command-journal.ts: the append, then the key's answer, in the same transaction. */
const APPEND_AND_RECORD = {
  name: 'append_and_record',
  text: `SELECT next_revision, tx_id, last_position FROM ledger.append_and_record($1, $2, $3::jsonb, $4, $5, $6, $7)`,
};

/**
 * One append as the coalescer holds it: event ids fixed before the first try, so a rerun appends the same ids. Its
 * events are serialised once, here: the statement's JSON is built from these strings, and their length is the
 * append's weight in a batch.
 */
interface PendingAppend {
  readonly streamId: string;
  /** `[{ id, type, data, metadata }, …]` as JSON. */
  readonly payload: string;
  readonly expected: ExpectedRevision;
  readonly record?: { readonly claim: IdempotencyClaim; readonly answer: StoredAnswer };
}

/**
 * The events' JSON one coalesced append statement carries at most (a lone larger append still goes, alone). An
 * import's payouts arrive together, megabytes each: in one statement a single PostgreSQL process parsed all of them
 * (27 MB for bench:reconcile's 103,358 lines, about 1 s) while the other core and this process sat idle; bounded,
 * they go as several statements side by side (the coalescer's maxInFlight).
 */
export const APPEND_BATCH_BYTES = 4 * 1024 * 1024;

export interface PostgresEventStoreOptions {
  readonly pollIntervalMs?: number;
  /** Concurrent appends share one statement and one commit (default on); false appends each on its own. */
  readonly coalesce?: false | CoalescerOptions;
}

interface PendingRead {
  readonly streamId: string;
  readonly from: bigint;
  readonly maxCount: number | null;
  /** Reads never wait for one another: each its own coalescer key. */
  readonly n: number;
}

/**
 * What one read of a shared tail fetches (a projection batch's worth, PROJECTION_BATCH_BYTES), and what it keeps
 * besides its last read: as much again, so a subscriber a batch behind the fastest is still served from it. At most
 * about 4 MiB of stored data, within the projector's heap beside the batches in flight.
 */
const TAIL_BOUNDS = {
  readCount: 1000,
  readBytes: PROJECTION_BATCH_BYTES,
  maxEvents: 2000,
  maxBytes: PROJECTION_BATCH_BYTES,
};

export class PostgresEventStore implements EventStore {
  /** The log's tail, shared by this store's subscriptions while more than one is open (`subscribers`). */
  private tail: SharedTail | undefined;
  private subscribers = 0;
  private readonly appends?: Coalescer<PendingAppend, AppendResult>;
  private readonly reads?: Coalescer<PendingRead, RecordedEvent[]>;
  private readCount = 0;

  constructor(
    private readonly pool: Pool,
    private readonly options: PostgresEventStoreOptions = {},
  ) {
    if (options.coalesce !== false) {
      this.appends = new Coalescer(
        (items) => this.appendBatch(items),
        (item) => item.streamId,
        { maxBatchWeight: APPEND_BATCH_BYTES, ...options.coalesce },
        (item) => item.payload.length,
      );
      this.reads = new Coalescer(
        (items) => this.readMany(items),
        (item) => String(item.n),
        options.coalesce,
      );
    }
  }

  appendToStream(streamId: string, events: readonly EventData[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.append(APPEND, streamId, events, expected, []);
  }

  /**
   * Claims an Idempotency-Key and reads the whole stream in one statement (one round trip). The claim is an
   * insert on `claims` (a pool that commits without waiting for the WAL flush); true when it took the key.
   */
  async claimAndReadStream(
    claims: Pool,
    streamId: string,
    claim: IdempotencyClaim,
    ttlMs: number,
  ): Promise<{ claimed: boolean; events: RecordedEvent[] }> {
    const { rows } = await claims.query<EventRow & { claimed: boolean | null }>({
      name: 'idempotency_claim_and_read',
      text: `WITH claim AS (
               INSERT INTO ledger.idempotency_keys (api_key_id, key, request_hash, status, expires_at)
               VALUES ($1, $2, $3, 'in_flight', now() + $4 * interval '1 millisecond')
               ON CONFLICT DO NOTHING RETURNING true AS claimed)
             SELECT (SELECT claimed FROM claim) AS claimed, e.*
               FROM (VALUES (1)) one LEFT JOIN event_store.events e ON e.stream_id = $5
              ORDER BY e.revision`,
      values: [claim.namespace, claim.key, claim.requestHash, ttlMs, streamId],
    });
    return { claimed: rows[0]?.claimed === true, events: rows.filter((row) => row.event_id !== null).map(toRecordedEvent) };
  }

  /**
   * claimAndReadStream for many keys at once (coalesced claims, issue 33): one statement claims every key and reads
   * every stream, each item its own answer, in order. Two items under one key must not share a call (the second
   * could not tell whose claim took the key): the caller's coalescer keeps them apart.
   */
  async claimAndReadStreams(
    claims: Pool,
    items: readonly { readonly streamId: string; readonly claim: IdempotencyClaim }[],
    ttlMs: number,
  ): Promise<{ claimed: boolean; events: RecordedEvent[] }[]> {
    const { rows } = await claims.query<EventRow & { item: number; claimed: boolean }>({
      name: 'idempotency_claim_and_read_many',
      text: `WITH input AS (
               SELECT t.api_key_id, t.key, t.request_hash, t.stream_id, t.item::int AS item
                 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(api_key_id, key, request_hash, stream_id, item)),
             claim AS (
               INSERT INTO ledger.idempotency_keys (api_key_id, key, request_hash, status, expires_at)
               SELECT api_key_id, key, request_hash, 'in_flight', now() + $5 * interval '1 millisecond' FROM input ORDER BY item
               ON CONFLICT DO NOTHING RETURNING api_key_id, key)
             SELECT i.item, EXISTS (SELECT 1 FROM claim c WHERE c.api_key_id = i.api_key_id AND c.key = i.key) AS claimed, e.*
               FROM input i LEFT JOIN event_store.events e ON e.stream_id = i.stream_id
              ORDER BY i.item, e.revision`,
      values: [
        items.map((i) => i.claim.namespace),
        items.map((i) => i.claim.key),
        items.map((i) => i.claim.requestHash),
        items.map((i) => i.streamId),
        ttlMs,
      ],
    });
    const answers = items.map(() => ({ claimed: false, events: [] as RecordedEvent[] }));
    for (const row of rows) {
      const answer = answers[row.item - 1];
      answer.claimed = row.claimed;
      if (row.event_id !== null) answer.events.push(toRecordedEvent(row));
    }
    return answers;
  }

  /** Appends and stores the claimed key's answer in one call, one transaction, one commit (`ledger.append_and_record`). */
  appendAndRecord(
    streamId: string,
    events: readonly EventData[],
    expected: ExpectedRevision,
    claim: IdempotencyClaim,
    answer: StoredAnswer,
  ): Promise<AppendResult> {
    return this.append(APPEND_AND_RECORD, streamId, events, expected, [claim.namespace, claim.key, answer.status, answer.body], {
      claim,
      answer,
    });
  }

  private append(
    statement: { name: string; text: string },
    streamId: string,
    events: readonly EventData[],
    expected: ExpectedRevision,
    record: readonly unknown[],
    recorded?: PendingAppend['record'],
  ): Promise<AppendResult> {
    if (events.length === 0) return Promise.reject(new Error('appendToStream needs at least one event'));
    const payload = JSON.stringify(
      events.map((e) => ({
        id: e.eventId ?? randomUUID(),
        type: e.type,
        data: e.data,
        metadata: e.metadata ?? {},
      })),
    );
    if (this.appends) return this.appends.submit({ streamId, payload, expected, record: recorded });
    return this.appendOne(statement, streamId, payload, expected, record);
  }

  private async appendOne(
    statement: { name: string; text: string },
    streamId: string,
    payload: string,
    expected: ExpectedRevision,
    record: readonly unknown[],
  ): Promise<AppendResult> {
    try {
      const { rows } = await this.pool.query<{ next_revision: string; tx_id: string; last_position: string }>({
        ...statement,
        values: [streamId, String(expected), payload, ...record],
      });
      const row = rows[0];
      return {
        nextExpectedRevision: BigInt(row.next_revision),
        position: { commit: BigInt(row.tx_id), prepare: BigInt(row.last_position) },
      };
    } catch (error) {
      const pgError = error as { code?: string; detail?: string };
      if (pgError.code === WRONG_EXPECTED_VERSION_SQLSTATE) {
        const actual = pgError.detail === 'no_stream' ? 'no_stream' : BigInt(pgError.detail ?? '-1');
        throw new WrongExpectedVersionError(streamId, expected, actual);
      }
      throw error;
    }
  }

  /** A pending append on its own: the one-stream statement, as without coalescing. */
  private appendPending(item: PendingAppend): Promise<AppendResult> {
    const { claim, answer } = item.record ?? {};
    return claim && answer
      ? this.appendOne(APPEND_AND_RECORD, item.streamId, item.payload, item.expected, [
          claim.namespace,
          claim.key,
          answer.status,
          answer.body,
        ])
      : this.appendOne(APPEND, item.streamId, item.payload, item.expected, []);
  }

  /**
   * One batch of the coalescer: a lone append as before; several in one call, each with its own result. A batch the
   * server refuses as a whole (an event id taken on another stream, an outage) changed nothing: each append is then
   * run on its own, with the same event ids, and gets its own error, so one bad append never fails the others.
   */
  private async appendBatch(items: readonly PendingAppend[]): Promise<Settled<AppendResult>[]> {
    if (items.length > 1) {
      const batch = await this.appendMany(items).catch(() => undefined);
      if (batch) return batch;
    }
    return Promise.all(items.map((item) => settle(this.appendPending(item))));
  }

  private async appendMany(items: readonly PendingAppend[]): Promise<Settled<AppendResult>[]> {
    // The batch's JSON from each append's own (serialised once, when it was submitted).
    const body = `[${items
      .map((item) => {
        const record = item.record
          ? {
              namespace: item.record.claim.namespace,
              key: item.record.claim.key,
              status: item.record.answer.status,
              body: item.record.answer.body,
            }
          : {};
        const head = JSON.stringify({ stream: item.streamId, expected: String(item.expected), ...record });
        return `${head.slice(0, -1)},"events":${item.payload}}`;
      })
      .join(',')}]`;
    const { rows } = await this.pool.query<{
      item: number;
      next_revision: string | null;
      tx_id: string | null;
      last_position: string | null;
      actual: string | null;
    }>({ ...APPEND_BATCH, values: [body] });
    if (rows.length !== items.length) throw new Error(`append_and_record_batch returned ${rows.length} rows for ${items.length} items`);
    return rows.map((row, i): Settled<AppendResult> => {
      const item = items[i];
      if (row.item !== i + 1) throw new Error('append_and_record_batch answered out of order');
      if (row.actual !== null) {
        const actual = row.actual === 'no_stream' ? 'no_stream' : BigInt(row.actual);
        return { ok: false, error: new WrongExpectedVersionError(item.streamId, item.expected, actual) };
      }
      return {
        ok: true,
        value: {
          nextExpectedRevision: BigInt(row.next_revision ?? '-1'),
          position: { commit: BigInt(row.tx_id ?? '0'), prepare: BigInt(row.last_position ?? '0') },
        },
      };
    });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (this.reads && options.direction !== 'backwards') {
      return this.reads.submit({ streamId, from: options.fromRevision ?? 0n, maxCount: options.maxCount ?? null, n: this.readCount++ });
    }
    return this.readOne(streamId, options);
  }

  /**
   * Forward reads arriving together, one statement (coalesced, issue 33): one lateral range scan per read, each
   * with its own bounds, in one snapshot as each read alone would have its own. Backward reads go alone.
   */
  private async readMany(reads: readonly PendingRead[]): Promise<Settled<RecordedEvent[]>[]> {
    if (reads.length === 1) {
      const [{ streamId, from, maxCount }] = reads;
      return [{ ok: true, value: await this.readOne(streamId, { fromRevision: from, maxCount: maxCount ?? undefined }) }];
    }
    const batch = await this.pool
      .query<EventRow & { item: number }>({
        name: 'read_streams',
        text: `SELECT r.item::int AS item, e.*
               FROM unnest($1::text[], $2::bigint[], $3::int[]) WITH ORDINALITY AS r(stream_id, from_revision, max_count, item)
              CROSS JOIN LATERAL (SELECT * FROM event_store.events x
                                   WHERE x.stream_id = r.stream_id AND x.revision >= r.from_revision
                                   ORDER BY x.revision LIMIT r.max_count) e
              ORDER BY r.item, e.revision`,
        values: [reads.map((r) => r.streamId), reads.map((r) => r.from.toString()), reads.map((r) => r.maxCount)],
      })
      .catch(() => undefined);
    // Refused as a whole: each read alone, with its own error.
    if (!batch)
      return Promise.all(reads.map((r) => settle(this.readOne(r.streamId, { fromRevision: r.from, maxCount: r.maxCount ?? undefined }))));
    const events = reads.map((): RecordedEvent[] => []);
    for (const row of batch.rows) events[row.item - 1].push(toRecordedEvent(row));
    return events.map((value) => ({ ok: true, value }));
  }

  private async readOne(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? BigInt('9223372036854775807') : 0n);
    const { rows } = await this.pool.query<EventRow>(
      `SELECT * FROM event_store.events WHERE stream_id = $1 AND revision ${backwards ? '<=' : '>='} $2
       ORDER BY revision ${backwards ? 'DESC' : 'ASC'} LIMIT $3`,
      [streamId, from.toString(), options.maxCount ?? null],
    );
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return (await this.readPage(options)).events;
  }

  /** A page of the log, and whether more may follow at once (the page was full, or ended early at maxBytes). */
  private async readPage(options: ReadAllOptions): Promise<{ events: RecordedEvent[]; more: boolean }> {
    const { events, more } = await this.readSizedPage(options);
    return { events: events.map((sized) => sized.event), more };
  }

  /** readPage with each event's stored data size (what the byte bound counts; 0 when the page has no bound). */
  private async readSizedPage(options: ReadAllOptions): Promise<{ events: SizedEvent[]; more: boolean }> {
    const maxCount = options.maxCount ?? 1000;
    const backwards = options.direction === 'backwards';
    const bound = backwards ? options.before : options.after;
    const params: unknown[] = [maxCount];
    const where = ['transaction_id < pg_snapshot_xmin(pg_current_snapshot())'];
    if (bound) {
      params.push(bound.commit.toString(), bound.prepare.toString());
      where.push(`(transaction_id, global_position) ${backwards ? '<' : '>'} ($2::text::xid8, $3::bigint)`);
    }
    if (options.streamPrefix) {
      params.push(`${options.streamPrefix.replace(/[\\%_]/g, '\\$&')}%`);
      where.push(`stream_id LIKE $${params.length}`);
    }
    const order = backwards ? 'DESC' : 'ASC';
    const head = `SELECT * FROM event_store.events WHERE ${where.join(' AND ')}
       ORDER BY transaction_id ${order}, global_position ${order} LIMIT $1`;
    if (options.maxBytes === undefined) {
      const { rows } = await this.pool.query<EventRow>(head, params);
      return { events: rows.map((row) => ({ event: toRecordedEvent(row), bytes: 0 })), more: rows.length === maxCount };
    }
    // The page's events while the stored bytes before each stay under the bound (pg_column_size reads the stored,
    // maybe compressed, size without fetching a TOASTed value).
    params.push(options.maxBytes);
    const { rows } = await this.pool.query<EventRow & { page_rows: string; stored_bytes: number }>(
      `SELECT * FROM (
         SELECT head.*, pg_column_size(head.data) AS stored_bytes,
                sum(pg_column_size(head.data)) OVER w - pg_column_size(head.data) AS bytes_before, count(*) OVER () AS page_rows
           FROM (${head}) head
         WINDOW w AS (ORDER BY transaction_id ${order}, global_position ${order} ROWS UNBOUNDED PRECEDING)) page
        WHERE bytes_before < $${params.length}
        ORDER BY transaction_id ${order}, global_position ${order}`,
      params,
    );
    const pageRows = rows.length > 0 ? Number(rows[0].page_rows) : 0;
    return {
      events: rows.map((row) => ({ event: toRecordedEvent(row), bytes: Number(row.stored_bytes) })),
      more: rows.length < pageRows || pageRows === maxCount,
    };
  }

  /**
   * Subscribers share the log's tail while two or more follow it (the projector's four projections and the fraud
   * manager): one read of the head, every stream, at most once per poll interval, serves them all, each its prefix.
   */
  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const tail = (this.tail ??= new SharedTail((after, maxCount, maxBytes) => this.readSizedPage({ after, maxCount, maxBytes }), {
      freshMs: this.options.pollIntervalMs ?? 50,
      ...TAIL_BOUNDS,
    }));
    this.subscribers++;
    const direct = (after: Position | undefined, maxCount: number) =>
      this.readPage({ after, maxCount, streamPrefix: options.streamPrefix, maxBytes: options.maxBatchBytes });
    return new PollingSubscription({
      after: options.after,
      maxBatchSize: options.maxBatchSize ?? 500,
      idleDelayMs: this.options.pollIntervalMs ?? 50,
      readPage: async (after, maxCount) =>
        (this.subscribers > 1 ? await tail.page(after, maxCount, options.maxBatchBytes, options.streamPrefix) : undefined) ??
        direct(after, maxCount),
      onStop: () => {
        this.subscribers--;
      },
    });
  }

  async headPosition(): Promise<Position | undefined> {
    const [last] = await this.readAll({ direction: 'backwards', maxCount: 1 });
    return last?.position;
  }

  /** Where subscribers' reads stop and who holds it there (see horizon.ts). */
  horizon(streamPrefix = ''): Promise<Horizon> {
    return readHorizon(this.pool, streamPrefix);
  }

  /** The true head: the newest committed event, whether or not the horizon lets subscribers see it yet. */
  committedHead(streamPrefix = ''): Promise<Position | undefined> {
    return committedHead(this.pool, streamPrefix);
  }

  /** Committed events after a position, whatever the horizon (lag is measured against these, not against what is visible). */
  committedAfter(after: Position | undefined, cap: number, streamPrefix = ''): Promise<{ count: number; oldestRecordedAt: Date | null }> {
    return committedAfter(this.pool, after, cap, streamPrefix);
  }

  /** Stored history whose transaction ids belong to another server (a restore): null on a store of this server's own. */
  foreignHistory(): Promise<ForeignHistory | null> {
    return findForeignHistory(this.pool);
  }

  async close(): Promise<void> {
    // The pool belongs to whoever created it.
  }
}

const settle = <O>(promise: Promise<O>): Promise<Settled<O>> =>
  promise.then(
    (value) => ({ ok: true, value }) as const,
    (error: unknown) => ({ ok: false, error }) as const,
  );
