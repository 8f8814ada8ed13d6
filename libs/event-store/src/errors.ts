import type { ExpectedRevision } from './event-store';

export type ActualRevision = bigint | 'no_stream';

export class WrongExpectedVersionError extends Error {
  readonly code = 'wrong_expected_version';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: ActualRevision,
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

export class StreamNotFoundError extends Error {
  readonly code = 'stream_not_found';
  constructor(readonly streamId: string) {
    super(`stream ${streamId} not found`);
  }
}

export class EventStoreUnavailableError extends Error {
  readonly code = 'event_store_unavailable';
}
