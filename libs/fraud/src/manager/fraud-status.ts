import type { Pool } from 'pg';
import { formatPosition, type EventStore } from '@ledger/event-store';
import { measureLags, type ProjectionStatus } from '@ledger/projections';
import { FRAUD_MANAGER, readFraudCheckpoint } from './fraud-store';

/**
 * The manager's checkpoint and lag against the true head, in the projections' shape, so the stall rule
 * (projection_stalled), `ledger projections status` and the health see it beside the projections. It follows
 * every stream (payments and customers' forget facts), so its lag is counted over all of them.
 */
export async function fraudManagerStatus(pool: Pool, store: EventStore, now = new Date()): Promise<ProjectionStatus> {
  const checkpoint = await readFraudCheckpoint(pool);
  const [lag] = await measureLags(store, [checkpoint.position], now, 1000, '');
  return {
    name: FRAUD_MANAGER,
    position: formatPosition(checkpoint.position),
    eventsApplied: checkpoint.eventsApplied,
    updatedAt: checkpoint.updatedAt.toISOString(),
    lag,
  };
}
