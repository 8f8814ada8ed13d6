import type { AllStreamResolvedEvent, StreamingRead, EventStoreDBClient } from '@eventstore/db-client';
import { esdb } from './esdb-client';
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
import { StreamNotFoundError } from '../errors';
import { comparePositions, type Position } from '../position';
import { releaseOnEarlyExit } from './early-exit-read';
import { EsdbSubscription } from './esdb-subscription';
import {
  connectionTarget,
  fromPosition,
  isSystemEvent,
  mapError,
  toEventData,
  toExpectedRevision,
  toPosition,
  toRecordedEvent,
} from './mapping';

const DEFAULT_READ_ALL_MAX = 1000;
const READ_ALL_PAGE = 512;

export interface EventStoreDbOptions {
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

/**
 * The EventStoreDB adapter. `$all` is read unfiltered and filtered here (the 6.x
 * client has no server-side filter for reads), skipping system events;
 * subscriptions filter on the server by stream-name prefix.
 */
export class EventStoreDbEventStore implements EventStore {
  constructor(
    private readonly client: EventStoreDBClient,
    /** host:port list, for messages only. */
    readonly target: string,
    private readonly options: EventStoreDbOptions = {},
  ) {}

  /** Throws the client's parse error for a malformed connection string. */
  static fromConnectionString(connectionString: string, options?: EventStoreDbOptions): EventStoreDbEventStore {
    return new EventStoreDbEventStore(
      esdb().EventStoreDBClient.connectionString(connectionString),
      connectionTarget(connectionString),
      options,
    );
  }

  async appendToStream(streamId: string, events: readonly EventData[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new Error('appendToStream needs at least one event');
    try {
      const result = await this.client.appendToStream(streamId, events.map(toEventData), {
        expectedRevision: toExpectedRevision(expected),
      });
      // The port's position is the last appended event's, and that is what the server reports for
      // any number of events: the write's events are one implicit transaction whose commit
      // acknowledgement carries the last prepare's log position, and each such event sits in
      // `$all` at (its log position, its log position); an idempotent re-append reports the last
      // event's. Only "no position" (an idempotent re-append whose event the index could not
      // read yet) costs a read.
      const position = result.position
        ? toPosition(result.position)
        : (await this.readStream(streamId, { fromRevision: result.nextExpectedRevision, maxCount: 1 }))[0].position;
      return { nextExpectedRevision: result.nextExpectedRevision, position };
    } catch (error) {
      throw mapError(error, streamId);
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    try {
      const read = this.client.readStream(streamId, {
        direction: backwards ? esdb().BACKWARDS : esdb().FORWARDS,
        fromRevision: options.fromRevision ?? (backwards ? esdb().END : esdb().START),
        maxCount: options.maxCount,
      });
      const events: RecordedEvent[] = [];
      for await (const resolved of read) events.push(toRecordedEvent(resolved));
      return events;
    } catch (error) {
      const mapped = mapError(error, streamId);
      if (mapped instanceof StreamNotFoundError) return [];
      throw mapped;
    }
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const bound = backwards ? options.before : options.after;
    const maxCount = options.maxCount ?? DEFAULT_READ_ALL_MAX;
    const beyond = (p: Position, limit: Position) => (backwards ? comparePositions(p, limit) < 0 : comparePositions(p, limit) > 0);
    const matches = (e: RecordedEvent) => !isSystemEvent(e) && (!options.streamPrefix || e.streamId.startsWith(options.streamPrefix));
    const result: RecordedEvent[] = [];
    let cursor = bound;
    try {
      while (result.length < maxCount) {
        const read = this.client.readAll({
          direction: backwards ? esdb().BACKWARDS : esdb().FORWARDS,
          fromPosition: cursor ? fromPosition(cursor) : backwards ? esdb().END : esdb().START,
          maxCount: READ_ALL_PAGE,
        });
        const page = await this.collectPage(read, cursor, beyond, matches, maxCount - result.length);
        result.push(...page.events);
        if (page.exhausted || !page.last) break;
        cursor = page.last;
      }
    } catch (error) {
      throw mapError(error);
    }
    return result;
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const filter = options.streamPrefix ? esdb().streamNameFilter({ prefixes: [options.streamPrefix] }) : esdb().excludeSystemEvents();
    return new EsdbSubscription({
      after: options.after,
      maxBatchSize: options.maxBatchSize ?? 500,
      minBackoffMs: this.options.minBackoffMs,
      maxBackoffMs: this.options.maxBackoffMs,
      open: (after) => this.client.subscribeToAll({ fromPosition: after ? fromPosition(after) : esdb().START, filter }),
    });
  }

  async headPosition(): Promise<Position | undefined> {
    const [last] = await this.readAll({ direction: 'backwards', maxCount: 1 });
    return last?.position;
  }

  /** A cheap read that fails within `timeoutMs` (the client ignores deadlines on reads, hence the timer). */
  async ping(timeoutMs: number): Promise<void> {
    const read = this.client.readAll({ direction: esdb().BACKWARDS, fromPosition: esdb().END, maxCount: 1 });
    const release = releaseOnEarlyExit(read);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([
        (async () => {
          for await (const _ of read) break;
        })(),
        timeout,
      ]);
    } catch (error) {
      throw mapError(error);
    } finally {
      clearTimeout(timer);
      await release();
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  /** Reads one page of `$all`; the read's start may be inclusive, so anything not beyond the cursor is dropped. */
  private async collectPage(
    read: StreamingRead<AllStreamResolvedEvent>,
    cursor: Position | undefined,
    beyond: (p: Position, limit: Position) => boolean,
    matches: (e: RecordedEvent) => boolean,
    wanted: number,
  ): Promise<{ events: RecordedEvent[]; last?: Position; exhausted: boolean }> {
    const release = releaseOnEarlyExit(read);
    const events: RecordedEvent[] = [];
    let last: Position | undefined;
    let seen = 0;
    try {
      for await (const resolved of read) {
        seen++;
        if (!resolved.event) continue;
        const position = toPosition(resolved.event.position);
        if (cursor && !beyond(position, cursor)) continue;
        last = position;
        const event = toRecordedEvent(resolved);
        if (matches(event)) events.push(event);
        if (events.length >= wanted) return { events, last, exhausted: false };
      }
    } finally {
      await release();
    }
    return { events, last, exhausted: seen < READ_ALL_PAGE };
  }
}
