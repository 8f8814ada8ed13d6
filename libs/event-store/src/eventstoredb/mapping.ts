import { randomUUID } from 'node:crypto';
import type {
  AllStreamResolvedEvent,
  AppendExpectedRevision,
  CurrentRevision,
  EventData as EsdbEventData,
  JSONType,
  Position as EsdbPosition,
  ResolvedEvent,
} from '@eventstore/db-client';
import { esdb } from './esdb-client';
import type { EventData, ExpectedRevision, RecordedEvent } from '../event-store';
import { EventStoreUnavailableError, StreamNotFoundError, WrongExpectedVersionError, type ActualRevision } from '../errors';
import type { Position } from '../position';

export function toPosition(position: EsdbPosition): Position {
  return { commit: position.commit, prepare: position.prepare };
}

export function fromPosition(position: Position): EsdbPosition {
  return { commit: position.commit, prepare: position.prepare };
}

export function toExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return esdb().ANY;
    case 'no_stream':
      return esdb().NO_STREAM;
    case 'stream_exists':
      return esdb().STREAM_EXISTS;
    default:
      return expected;
  }
}

// The server's gRPC-metadata error path reports the legacy negative version numbers.
const LEGACY_EXPECTED: ReadonlyMap<bigint, ExpectedRevision> = new Map<bigint, ExpectedRevision>([
  [-1n, 'no_stream'],
  [-2n, 'any'],
  [-4n, 'stream_exists'],
]);

export function fromExpectedRevision(expected: AppendExpectedRevision): ExpectedRevision {
  switch (expected) {
    case esdb().ANY:
      return 'any';
    case esdb().NO_STREAM:
      return 'no_stream';
    case esdb().STREAM_EXISTS:
      return 'stream_exists';
    default:
      return LEGACY_EXPECTED.get(expected) ?? expected;
  }
}

export function toActualRevision(actual: CurrentRevision): ActualRevision {
  return actual === esdb().NO_STREAM || actual < 0n ? 'no_stream' : actual;
}

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();

/** The client's errors as the port's; anything else comes back unchanged (non-Errors wrapped). */
export function mapError(raw: unknown, streamId = ''): Error {
  // Some paths (the capability probe before an append) reject with raw gRPC errors.
  const error = raw instanceof Error ? esdb().convertToCommandError(raw) : raw;
  if (error instanceof esdb().WrongExpectedVersionError) {
    return new WrongExpectedVersionError(
      error.streamName || streamId,
      fromExpectedRevision(error.expectedVersion),
      toActualRevision(error.actualVersion),
    );
  }
  if (error instanceof esdb().StreamNotFoundError) return new StreamNotFoundError(error.streamName || streamId);
  if (error instanceof esdb().UnavailableError || error instanceof esdb().DeadlineExceededError || isClusterInTransition(error)) {
    return new EventStoreUnavailableError(`EventStoreDB: ${oneLine(error.message) || error.type}`);
  }
  // Cluster discovery gives up with a plain Error (Client/discovery.js).
  if (error instanceof Error && /^Failed to discover after \d+ attempts/.test(error.message)) {
    return new EventStoreUnavailableError(`EventStoreDB: ${error.message}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * What a cluster answers while its leader changes or a node goes away mid-call (each seen in the
 * three-node chaos runs, issue 35): the node asked is no longer leader (the client's next call goes to
 * the new one), the server timed the write out or cancelled it, a node not ready yet ("Server Is Not
 * Ready", which the 6.x client does not recognise in a batch append), or the connection reset under
 * the call (RST_STREAM). Nothing is known to be decided: the caller may retry (same event ids).
 */
function isClusterInTransition(error: unknown): error is Error & { readonly type?: string } {
  if (error instanceof esdb().NotLeaderError || error instanceof esdb().TimeoutError || error instanceof esdb().CancelledError) return true;
  const message = error instanceof Error ? error.message : '';
  return (error instanceof esdb().UnknownError && /Server Is Not Ready/.test(message)) || /Received RST_STREAM/.test(message);
}

export function toEventData(event: EventData): EsdbEventData {
  return esdb().jsonEvent({
    id: event.eventId ?? randomUUID(),
    type: event.type,
    data: event.data as JSONType,
    metadata: event.metadata,
  });
}

export function isSystemEvent(event: { readonly streamId: string; readonly type: string }): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

export function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent {
  const event = resolved.event;
  if (!event) throw new Error('EventStoreDB returned a link without its event (resolveLinkTos is off, so this is unexpected)');
  if (!event.position) {
    throw new Error(`EventStoreDB returned ${event.streamId}@${event.revision} without a log position (server older than 22.6?)`);
  }
  return {
    eventId: event.id,
    streamId: event.streamId,
    type: event.type,
    revision: event.revision,
    position: toPosition(event.position),
    data: event.data,
    // Events written by other clients may carry binary or no metadata; the port's metadata is always an object.
    metadata: isRecord(event.metadata) ? event.metadata : {},
    recordedAt: event.created,
  };
}

/** `host:port[,host:port…]` of a connection string, without credentials or options, for messages. */
export function connectionTarget(connectionString: string): string {
  const withoutScheme = connectionString.trim().replace(/^[a-z+]+:\/\//i, '');
  const withoutOptions = withoutScheme.split(/[/?]/, 1)[0];
  return withoutOptions.slice(withoutOptions.lastIndexOf('@') + 1);
}
