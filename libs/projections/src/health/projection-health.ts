import { describeProjectionStall, type ProjectionStall } from '@ledger/monitoring';
import type { Health } from '../dashboard/shapes';
import type { ProjectionStatus } from '../rebuild/projection-status';

/** A projection's status with its stall judged by `assessProjectionStall` (the projection_stalled alert's definition). */
export interface ProjectionState extends ProjectionStatus {
  readonly stall: ProjectionStall;
}

/**
 * Health while projections are stalled: `unhealthy`, and one issue per stalled projection first
 * ("projection ledger stalled: 793 events waiting for 147 s"), before the providers' own issues.
 */
export function withProjectionStalls(health: Health, projections: readonly Pick<ProjectionState, 'stall'>[]): Health {
  const stalls = projections.filter((p) => p.stall.stalled).map((p) => describeProjectionStall(p.stall));
  if (stalls.length === 0) return health;
  return { ...health, status: 'unhealthy', issues: [...stalls, ...health.issues] };
}
