import type { PoolClient } from 'pg';
import { formatPosition, type RecordedEvent } from '@ledger/event-store';

export const READ_MODELS_SCHEMA = 'read_models';

/** Where a projection writes: the live schema, or a rebuild schema being filled beside it. */
export interface ProjectionTarget {
  readonly schema: string;
}

/**
 * A projection turns a batch of recorded events into SQL writes on its tables.
 * It runs inside the caller's transaction and never commits; it throws on any
 * event it cannot apply, so nothing is ever counted wrong or skipped.
 */
export interface Projection {
  readonly name: string;
  /** Tables it owns in the read-model schema; a rebuild recreates and swaps exactly these. */
  readonly tables: readonly string[];
  apply(tx: PoolClient, events: readonly RecordedEvent[], target: ProjectionTarget): Promise<void>;
}

export class ProjectionError extends Error {
  readonly code = 'projection_failed';
  constructor(
    message: string,
    readonly event?: Pick<RecordedEvent, 'eventId' | 'streamId' | 'type' | 'revision'> & { position: string },
  ) {
    super(
      event ? `${message} (event ${event.eventId} ${event.type} at ${event.position} in ${event.streamId}@${event.revision})` : message,
    );
    this.name = 'ProjectionError';
  }
}

/** How a ProjectionError names the event it stopped on. */
export function describeEvent(e: RecordedEvent): NonNullable<ProjectionError['event']> {
  return { eventId: e.eventId, streamId: e.streamId, type: e.type, revision: e.revision, position: formatPosition(e.position) };
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe SQL identifier: ${name}`);
  return `"${name}"`;
}
