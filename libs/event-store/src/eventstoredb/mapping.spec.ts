import {
  ANY,
  AccessDeniedError,
  CancelledError,
  NO_STREAM,
  NotLeaderError,
  TimeoutError,
  UnknownError,
  STREAM_EXISTS,
  StreamNotFoundError as EsdbStreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError as EsdbWrongExpectedVersionError,
  convertToCommandError,
  type AllStreamResolvedEvent,
  type Position as EsdbPosition,
} from '@eventstore/db-client';
import { EventStoreUnavailableError, StreamNotFoundError, WrongExpectedVersionError } from '../errors';
import {
  connectionTarget,
  fromExpectedRevision,
  fromPosition,
  isSystemEvent,
  mapError,
  toActualRevision,
  toEventData,
  toExpectedRevision,
  toPosition,
  toRecordedEvent,
} from './mapping';

type ServiceError = Exclude<ConstructorParameters<typeof EsdbStreamNotFoundError>[0], undefined>;

/** Shaped like @grpc/grpc-js's ServiceError: a status code, details, and Metadata with getMap(). */
function serviceError(code: number, details: string, metadata: Record<string, string | Buffer>): ServiceError {
  return Object.assign(new Error(`${code} ${details}`), {
    code,
    details,
    metadata: { getMap: () => metadata },
  }) as unknown as ServiceError;
}

const created = new Date('2024-05-01T10:00:00.000Z');
const resolved = (over: Partial<{ streamId: string; type: string; metadata: unknown; position: EsdbPosition | undefined }> = {}) =>
  ({
    event: {
      streamId: over.streamId ?? 'payment-1',
      id: '7c3e8c1e-6a55-4d7e-9f0f-2b1d2a6f9a10',
      isJson: true,
      revision: 3n,
      type: over.type ?? 'PaymentCreated',
      created,
      data: { amount: 1000 },
      metadata: 'metadata' in over ? over.metadata : { actor: 'key_1' },
      position: 'position' in over ? over.position : { commit: 20n, prepare: 18n },
    },
    commitPosition: 20n,
  }) as AllStreamResolvedEvent;

describe('EventStoreDB mapping', () => {
  describe('positions', () => {
    it('maps {commit, prepare} both ways unchanged, beyond 2^53', () => {
      const esdb: EsdbPosition = { commit: 18446744073709551000n, prepare: 9007199254740993n };
      expect(toPosition(esdb)).toEqual(esdb);
      expect(fromPosition(toPosition(esdb))).toEqual(esdb);
    });
  });

  describe('expected revisions', () => {
    it('maps the port values one to one onto the client constants', () => {
      expect(toExpectedRevision('any')).toBe(ANY);
      expect(toExpectedRevision('no_stream')).toBe(NO_STREAM);
      expect(toExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
      expect(toExpectedRevision(7n)).toBe(7n);
    });

    it('maps the client constants back, and the legacy negative numbers too', () => {
      expect(([ANY, NO_STREAM, STREAM_EXISTS, 7n] as const).map((v) => fromExpectedRevision(v))).toEqual([
        'any',
        'no_stream',
        'stream_exists',
        7n,
      ]);
      expect([-1n, -2n, -4n].map((v) => fromExpectedRevision(v))).toEqual(['no_stream', 'any', 'stream_exists']);
      expect(([NO_STREAM, -1n, 0n] as const).map((v) => toActualRevision(v))).toEqual(['no_stream', 'no_stream', 0n]);
    });
  });

  describe('mapError', () => {
    it('carries expected and actual of a WrongExpectedVersionError from an append response', () => {
      const error = mapError(new EsdbWrongExpectedVersionError(undefined, { streamName: 'payment-1', expected: 0n, current: 1n }));
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamId: 'payment-1', expected: 0n, actual: 1n, code: 'wrong_expected_version' });
    });

    it.each([
      [NO_STREAM, 0n, 'no_stream', 0n],
      [STREAM_EXISTS, NO_STREAM, 'stream_exists', 'no_stream'],
      [ANY, NO_STREAM, 'any', 'no_stream'],
      [3n, NO_STREAM, 3n, 'no_stream'],
    ] as const)('expected %s / current %s becomes %s / %s', (expected, current, portExpected, portActual) => {
      const error = mapError(new EsdbWrongExpectedVersionError(undefined, { streamName: 's', expected, current }));
      expect(error).toMatchObject({ expected: portExpected, actual: portActual });
    });

    it('maps a WrongExpectedVersionError converted from a gRPC status with metadata (legacy numbers)', () => {
      const grpc = serviceError(9, 'wrong expected version', {
        exception: 'wrong-expected-version',
        'stream-name': 'payment-2',
        'expected-version': '-1',
        'actual-version': '4',
      });
      const clientError = convertToCommandError(grpc);
      expect(clientError).toBeInstanceOf(EsdbWrongExpectedVersionError);
      expect(mapError(clientError)).toMatchObject({ streamId: 'payment-2', expected: 'no_stream', actual: 4n });
      const missing = serviceError(9, 'wrong expected version', {
        exception: 'wrong-expected-version',
        'stream-name': 'p',
        'expected-version': '2',
      });
      expect(mapError(convertToCommandError(missing))).toMatchObject({ expected: 2n, actual: 'no_stream' });
    });

    it('maps StreamNotFoundError, naming the stream from the error or the caller', () => {
      const fromRead = mapError(new EsdbStreamNotFoundError(undefined, 'payment-3'));
      expect(fromRead).toBeInstanceOf(StreamNotFoundError);
      expect(fromRead).toMatchObject({ streamId: 'payment-3', code: 'stream_not_found' });
      const grpc = convertToCommandError(
        serviceError(5, 'not found', { exception: 'stream-not-found', 'stream-name': Buffer.from('payment-4') }),
      );
      expect(mapError(grpc)).toMatchObject({ streamId: 'payment-4' });
      expect(mapError(new EsdbStreamNotFoundError(), 'payment-5')).toMatchObject({ streamId: 'payment-5' });
    });

    it('maps unavailability to EventStoreUnavailableError in one line', () => {
      const error = mapError(new UnavailableError(serviceError(14, 'No connection established', {})));
      expect(error).toBeInstanceOf(EventStoreUnavailableError);
      expect(error.message).not.toContain('\n');
    });

    it('converts raw gRPC errors first, and maps a failed cluster discovery', () => {
      expect(mapError(serviceError(14, 'No connection established', {}))).toBeInstanceOf(EventStoreUnavailableError);
      expect(mapError(new Error('Failed to discover after 10 attempts.'))).toBeInstanceOf(EventStoreUnavailableError);
    });

    it('maps what a cluster answers while its leader changes to EventStoreUnavailableError (issue 35 chaos runs)', () => {
      const leaderMoved = new NotLeaderError(
        serviceError(5, 'Leader info available', { 'leader-endpoint-host': '127.0.0.1', 'leader-endpoint-port': '2123' }),
      );
      const seen = [
        leaderMoved,
        new TimeoutError(serviceError(10, 'Timeout', {})),
        new CancelledError(serviceError(1, 'Cancelled on server', {})),
        // A batch append's status the 6.x client does not unpack, from a node not yet ready after an election.
        new UnknownError(undefined, 'Could not recognize Server Is Not Ready'),
        // The node was SIGKILLed under the call.
        convertToCommandError(serviceError(13, 'Received RST_STREAM with code 0 (Call ended without gRPC status)', {})),
      ];
      for (const error of seen)
        expect([error.constructor.name, mapError(error)]).toEqual([error.constructor.name, expect.any(EventStoreUnavailableError)]);
      const other = new UnknownError(undefined, 'Could not recognize Something Else');
      expect(mapError(other)).toBe(other);
    });

    it('passes other errors through and wraps non-errors', () => {
      const denied = new AccessDeniedError();
      expect(mapError(denied)).toBe(denied);
      expect(mapError('boom')).toEqual(new Error('boom'));
    });
  });

  describe('events', () => {
    it('maps a recorded event with revision and position as bigint', () => {
      expect(toRecordedEvent(resolved())).toEqual({
        eventId: '7c3e8c1e-6a55-4d7e-9f0f-2b1d2a6f9a10',
        streamId: 'payment-1',
        type: 'PaymentCreated',
        revision: 3n,
        position: { commit: 20n, prepare: 18n },
        data: { amount: 1000 },
        metadata: { actor: 'key_1' },
        recordedAt: created,
      });
    });

    it('gives absent or binary metadata as {}', () => {
      expect(toRecordedEvent(resolved({ metadata: undefined })).metadata).toEqual({});
      expect(toRecordedEvent(resolved({ metadata: new Uint8Array([1, 2]) })).metadata).toEqual({});
    });

    it('refuses an event without a log position and a link without its event', () => {
      expect(() => toRecordedEvent(resolved({ position: undefined }))).toThrow(/without a log position/);
      expect(() => toRecordedEvent({ commitPosition: 1n })).toThrow(/link without its event/);
    });

    it('writes JSON events, keeping a given id and generating one otherwise', () => {
      const given = toEventData({ eventId: '0b8f1f3e-1111-4c22-9a33-444455556666', type: 'A', data: { n: 1 }, metadata: { actor: 'x' } });
      expect(given).toEqual({
        id: '0b8f1f3e-1111-4c22-9a33-444455556666',
        contentType: 'application/json',
        type: 'A',
        data: { n: 1 },
        metadata: { actor: 'x' },
      });
      const generated = toEventData({ type: 'B', data: { n: 2 } });
      expect(generated.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(generated.metadata).toBeUndefined();
    });

    it('recognises system events by stream or type', () => {
      expect(isSystemEvent({ streamId: '$stats-127.0.0.1:2113', type: '$statsCollected' })).toBe(true);
      expect(isSystemEvent({ streamId: 'payment-1', type: '$>' })).toBe(true);
      expect(isSystemEvent({ streamId: '$$payment-1', type: '$metadata' })).toBe(true);
      expect(isSystemEvent({ streamId: 'payment-1', type: 'PaymentCreated' })).toBe(false);
    });
  });

  describe('connectionTarget', () => {
    it.each([
      ['esdb://localhost:2113?tls=false', 'localhost:2113'],
      ['esdb://admin:changeit@es1:2113,es2:2113,es3:2113?tls=true', 'es1:2113,es2:2113,es3:2113'],
      ['esdb+discover://cluster.internal:2113/?nodePreference=leader', 'cluster.internal:2113'],
    ])('%s → %s (no credentials)', (connectionString, target) => {
      expect(connectionTarget(connectionString)).toBe(target);
    });
  });
});
