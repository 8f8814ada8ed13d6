import { EventStore1764000000000 } from './1764000000000-event-store';

/** Every migration, in order. Listed explicitly so tests and the built apps load the same set. */
export const migrations = [EventStore1764000000000];
