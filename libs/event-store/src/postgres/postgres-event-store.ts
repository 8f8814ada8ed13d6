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
import { WrongExpectedVersionError } from '../errors';
import type { Position } from '../position';
import { PollingSubscription } from '../subscription-iterator';
import { committedAfter, committedHead, readHorizon, type Horizon } from './horizon';
import { findForeignHistory, type ForeignHistory } from './rebase';
import type { IdempotencyClaim, StoredAnswer } from '../idempotency/idempotency-log';
import { EventRow, WRONG_EXPECTED_VERSION_SQLSTATE, toRecordedEvent } from './rows';

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

export class PostgresEventStore implements EventStore {
  constructor(
    private readonly pool: Pool,
    private readonly options: { pollIntervalMs?: number } = {},
  ) {}

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

  /** Appends and stores the claimed key's answer in one call, one transaction, one commit (`ledger.append_and_record`). */
  appendAndRecord(
    streamId: string,
    events: readonly EventData[],
    expected: ExpectedRevision,
    claim: IdempotencyClaim,
    answer: StoredAnswer,
  ): Promise<AppendResult> {
    return this.append(APPEND_AND_RECORD, streamId, events, expected, [claim.namespace, claim.key, answer.status, answer.body]);
  }

  private async append(
    statement: { name: string; text: string },
    streamId: string,
    events: readonly EventData[],
    expected: ExpectedRevision,
    record: readonly unknown[],
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('appendToStream needs at least one event');
    const payload = events.map((e) => ({
      id: e.eventId ?? randomUUID(),
      type: e.type,
      data: e.data,
      metadata: e.metadata ?? {},
    }));
    try {
      const { rows } = await this.pool.query<{ next_revision: string; tx_id: string; last_position: string }>({
        ...statement,
        values: [streamId, String(expected), JSON.stringify(payload), ...record],
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

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
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
    const backwards = options.direction === 'backwards';
    const bound = backwards ? options.before : options.after;
    const params: unknown[] = [options.maxCount ?? 1000];
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
    const { rows } = await this.pool.query<EventRow>(
      `SELECT * FROM event_store.events WHERE ${where.join(' AND ')}
       ORDER BY transaction_id ${order}, global_position ${order} LIMIT $1`,
      params,
    );
    return rows.map(toRecordedEvent);
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    return new PollingSubscription({
      after: options.after,
      maxBatchSize: options.maxBatchSize ?? 500,
      idleDelayMs: this.options.pollIntervalMs ?? 50,
      readPage: (after, maxCount) => this.readAll({ after, maxCount, streamPrefix: options.streamPrefix }),
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
