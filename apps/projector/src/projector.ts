import type { Pool } from 'pg';
import type { EventStore } from '@ledger/event-store';
import { PROJECTIONS, ProjectionRunner, type OnBatch, type Projection } from '@ledger/projections';

export interface ProjectorOptions {
  readonly pool: Pool;
  readonly store: EventStore;
  readonly batchSize: number;
  /** Per projection name; the alerts pipeline registers here. */
  readonly onBatch?: Readonly<Record<string, OnBatch>>;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
  /** The projections as configured (projectionRegistry); the defaults when left out. */
  readonly projections?: Readonly<Record<string, Projection>>;
}

export interface RunningProjector {
  /** Settles when every runner stopped; rejects on the first that failed. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/** One runner per projection; each takes its own advisory lock, so a second projector waits as a hot standby. */
export function startProjector(options: ProjectorOptions): RunningProjector {
  const runners = Object.values(options.projections ?? PROJECTIONS).map(
    (projection) =>
      new ProjectionRunner({
        pool: options.pool,
        store: options.store,
        projection,
        batchSize: options.batchSize,
        onBatch: options.onBatch?.[projection.name],
        log: options.log,
      }),
  );
  const stop = async () => {
    await Promise.all(runners.map((r) => r.stop()));
  };
  const done = Promise.all(runners.map((r) => r.run())).then(() => undefined);
  // One failing projection stops the others too, so the process exits and gets restarted.
  done.catch(() => stop());
  return { done, stop };
}
