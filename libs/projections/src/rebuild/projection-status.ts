import type { Pool } from 'pg';
import { PAYMENT_STREAM_PREFIX } from '@ledger/payments-domain';
import { START, comparePositions, formatPosition, type EventStore, type Position } from '@ledger/event-store';
import { readCheckpoint } from '../runner/checkpoints';
import { PROJECTIONS } from '../projections';

export interface Lag {
  /** Events in the store after the checkpoint, counted up to `cap`. */
  readonly positionsBehind: number;
  readonly capped: boolean;
  /** Age of the oldest event not yet applied; 0 when caught up. */
  readonly secondsBehind: number;
  readonly headPosition: string | null;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly position: string;
  readonly eventsApplied: number;
  readonly updatedAt: string;
  readonly lag: Lag;
}

export async function measureLag(store: EventStore, checkpoint: Position, now: Date, cap = 1000, streamPrefix = PAYMENT_STREAM_PREFIX): Promise<Lag> {
  const after = comparePositions(checkpoint, START) === 0 ? undefined : checkpoint;
  const [pending, [head]] = await Promise.all([
    store.readAll({ after, maxCount: cap, streamPrefix }),
    store.readAll({ direction: 'backwards', maxCount: 1, streamPrefix }),
  ]);
  const oldest = pending[0]?.recordedAt;
  return {
    positionsBehind: pending.length,
    capped: pending.length >= cap,
    secondsBehind: oldest ? Math.max(0, Math.round((now.getTime() - oldest.getTime()) / 10) / 100) : 0,
    headPosition: head ? formatPosition(head.position) : null,
  };
}

/** Checkpoint and lag of every projection (`ledger projections status`). */
export async function projectionStatus(pool: Pool, store: EventStore, now = new Date()): Promise<ProjectionStatus[]> {
  return Promise.all(
    Object.keys(PROJECTIONS).map(async (name) => {
      const checkpoint = await readCheckpoint(pool, name);
      return {
        name,
        position: formatPosition(checkpoint.position),
        eventsApplied: checkpoint.eventsApplied,
        updatedAt: checkpoint.updatedAt.toISOString(),
        lag: await measureLag(store, checkpoint.position, now),
      };
    }),
  );
}
