import { UnsupportedSchemaVersionError } from './errors';
import { CURRENT_SCHEMA_VERSION, type PaymentEvent, type PaymentEventData, type PaymentEventType } from './events';

/** What the upcaster needs of a stored event: the shape both store adapters and the audit reader hand out. */
export interface StoredEventLike {
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: unknown;
}

/**
 * Where event shape evolution goes. Stored events are never rewritten: when a
 * shape changes, bump CURRENT_SCHEMA_VERSION and convert older data here, on
 * read, step by step up to the current version. A version newer than this code
 * knows is refused, so an old reader never misreads a new writer's events.
 */
export function upcast<T extends PaymentEventType>(type: T, data: unknown, schemaVersion: number): PaymentEventData<T>;
export function upcast(type: string, data: unknown, schemaVersion: number): unknown;
export function upcast(type: string, data: unknown, schemaVersion: number): unknown {
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > CURRENT_SCHEMA_VERSION) {
    throw new UnsupportedSchemaVersionError(type, schemaVersion);
  }
  return data;
}

/** The schema version a stored event was written with; events from before versioning count as 1. */
export function schemaVersionOf(stored: StoredEventLike): number {
  const version = (stored.metadata as { schemaVersion?: unknown } | undefined)?.schemaVersion;
  if (version === undefined || version === null) return 1;
  return typeof version === 'number' ? version : Number(version);
}

/** The one way every reader turns a stored event into a domain event. */
export function toPaymentEvent(stored: StoredEventLike): PaymentEvent {
  return { type: stored.type, data: upcast(stored.type, stored.data, schemaVersionOf(stored)) } as PaymentEvent;
}
