import type { Pool, PoolClient } from 'pg';
import { START, comparePositions, type EventStore, type Position, type RecordedEvent } from '@ledger/event-store';
import { AdvisoryLock } from './advisory-lock';
import { advanceCheckpoint, ensureCheckpoint, readCheckpoint } from './checkpoints';
import { READ_MODELS_SCHEMA, type Projection } from './projection';

export interface BatchContext {
  /** True for the live runner, also while it catches up after a restart (the alert hook's horizon keeps old events silent); rebuilds never call onBatch. */
  readonly live: boolean;
}

/** Runs inside the batch's transaction, after the projection's writes (the alerts pipeline hooks in here). */
export type OnBatch = (tx: PoolClient, events: readonly RecordedEvent[], context: BatchContext) => Promise<void>;

export interface ProjectionRunnerOptions {
  readonly pool: Pool;
  readonly store: EventStore;
  readonly projection: Projection;
  readonly batchSize?: number;
  readonly streamPrefix?: string;
  readonly onBatch?: OnBatch;
  /** Take the projection's advisory lock (default). Off only to prove the checkpoint CAS alone is safe. */
  readonly exclusive?: boolean;
  readonly standbyPollMs?: number;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Applies one projection from its checkpoint: each batch's read-model writes,
 * the onBatch hook and the checkpoint move in ONE transaction, the checkpoint
 * first and by compare-and-set, so two instances can never both apply a batch.
 */
export class ProjectionRunner {
  private stopping = false;
  private running: Promise<void> | undefined;
  private stopSubscription: (() => Promise<void>) | undefined;
  private wakeStandby: (() => void) | undefined;
  private readonly lock: AdvisoryLock;

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.lock = new AdvisoryLock(options.pool, `projection:${options.projection.name}`);
  }

  get name(): string {
    return this.options.projection.name;
  }

  /** Resolves when stopped; rejects (stops loudly) on any event the projection cannot apply. */
  run(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  /** Finishes the batch in flight, then returns. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeStandby?.();
    await this.stopSubscription?.();
    await this.running?.catch(() => undefined);
  }

  private async loop(): Promise<void> {
    const { pool, exclusive = true, standbyPollMs = 1000 } = this.options;
    await ensureCheckpoint(pool, this.name);
    while (!this.stopping) {
      if (exclusive && !(await this.lock.tryAcquire())) {
        await this.standby(standbyPollMs);
        continue;
      }
      this.options.log?.('projection active', { projection: this.name });
      try {
        await this.follow(exclusive);
      } finally {
        if (exclusive) await this.lock.release();
      }
    }
    this.options.log?.('projection stopped', { projection: this.name });
  }

  /** Follows the store from the stored checkpoint; re-reads it whenever the compare-and-set loses. */
  private async follow(exclusive: boolean): Promise<void> {
    const { pool, store, batchSize = 500, streamPrefix = 'payment-' } = this.options;
    while (!this.stopping) {
      let expected = (await readCheckpoint(pool, this.name)).position;
      // The live runner's batches are news; whether they are recent enough to page anyone is the alert
      // hook's replay horizon. Only a rebuild (which never calls onBatch) is history by definition.
      const live = true;
      let lockCheckedAt = Date.now();
      const subscription = store.subscribeToAll({
        after: comparePositions(expected, START) === 0 ? undefined : expected,
        streamPrefix,
        maxBatchSize: batchSize,
      });
      this.stopSubscription = () => subscription.stop();
      // stop() may have run while the checkpoint was being read, before there was a subscription to stop.
      if (this.stopping) await subscription.stop();
      let lost = false;
      try {
        for await (const message of subscription) {
          if (message.kind === 'caughtUp') continue;
          const next = message.events[message.events.length - 1].position;
          if (!(await this.applyBatch(message.events, expected, next, live))) {
            this.options.log?.('checkpoint moved under us; re-reading it', { projection: this.name });
            lost = true;
            break;
          }
          expected = next;
          if (this.stopping) break;
          if (exclusive && Date.now() - lockCheckedAt > 5000) {
            if (!(await this.lock.isHeld())) return;
            lockCheckedAt = Date.now();
          }
        }
      } finally {
        this.stopSubscription = undefined;
        await subscription.stop();
      }
      if (!lost) return;
    }
  }

  private async applyBatch(events: readonly RecordedEvent[], expected: Position, next: Position, live: boolean): Promise<boolean> {
    const tx = await this.options.pool.connect();
    try {
      await tx.query('BEGIN');
      // Checkpoint first: a loser stops before touching any table, and a rebuild swap holding this row waits us out cleanly.
      if (!(await advanceCheckpoint(tx, this.name, expected, next, events.length))) {
        await tx.query('ROLLBACK');
        return false;
      }
      await this.options.projection.apply(tx, events, { schema: READ_MODELS_SCHEMA });
      await this.options.onBatch?.(tx, events, { live });
      await tx.query(`SELECT pg_notify('ledger_projection', $1)`, [this.name]); // delivered on COMMIT: live dashboards refetch
      await tx.query('COMMIT');
      return true;
    } catch (error) {
      await tx.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      tx.release();
    }
  }

  private standby(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeStandby = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
