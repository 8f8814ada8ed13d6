import type { Pool, PoolClient } from 'pg';
import { isDatabaseUnavailable, withTransaction } from '@ledger/platform';
import { PAYMENT_STREAM_PREFIX } from '@ledger/payments-domain';
import { PROJECTION_BATCH_BYTES, START, comparePositions, type EventStore, type Position, type RecordedEvent } from '@ledger/event-store';
import { AdvisoryLock } from './advisory-lock';
import { advanceCheckpoint, ensureCheckpoint, readCheckpoint } from './checkpoints';
import { liveSchemaOf, type Projection } from './projection';

/** What live dashboards LISTEN on: each committed batch notifies its projection's name. */
const PROJECTION_CHANNEL = 'ledger_projection';

/**
 * Runs inside the batch's transaction, after the projection's writes (the alerts pipeline hooks in here).
 * The runner calls it for every batch, also while it catches up after a restart, and a rebuild for the events
 * it reads past the live checkpoint (the runner never sees those once the swap moves the checkpoint): whether a
 * batch is recent enough to page anyone is the hook's own replay horizon.
 */
export type OnBatch = (tx: PoolClient, events: readonly RecordedEvent[]) => Promise<void>;

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
    let ready = false;
    while (!this.stopping) {
      try {
        if (!ready) await ensureCheckpoint(pool, this.name);
        ready = true;
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
      } catch (error) {
        // PostgreSQL stopped or restarting: nothing was applied past the checkpoint; wait and resume from it.
        // Anything else (an event the projection cannot apply) still stops the runner loudly.
        if (!isDatabaseUnavailable(error)) throw error;
        this.options.log?.('projection interrupted: database unavailable, resuming from the checkpoint', {
          projection: this.name,
          error: (error as Error).message,
        });
        await this.standby(standbyPollMs);
      }
    }
    this.options.log?.('projection stopped', { projection: this.name });
  }

  /** Follows the store from the stored checkpoint; re-reads it whenever the compare-and-set loses. */
  private async follow(exclusive: boolean): Promise<void> {
    const { pool, store, batchSize = 500 } = this.options;
    const streamPrefix = this.options.projection.streamPrefix ?? this.options.streamPrefix ?? PAYMENT_STREAM_PREFIX;
    while (!this.stopping) {
      let expected = (await readCheckpoint(pool, this.name)).position;
      let lockCheckedAt = Date.now();
      const subscription = store.subscribeToAll({
        after: comparePositions(expected, START) === 0 ? undefined : expected,
        streamPrefix,
        maxBatchSize: batchSize,
        // A batch of a payout's report lines ends early: the projector's heap holds one batch at a time.
        maxBatchBytes: PROJECTION_BATCH_BYTES,
      });
      this.stopSubscription = () => subscription.stop();
      // stop() may have run while the checkpoint was being read, before there was a subscription to stop.
      if (this.stopping) await subscription.stop();
      let lost = false;
      try {
        for await (const message of subscription) {
          if (message.kind === 'caughtUp') continue;
          const next = message.events[message.events.length - 1].position;
          if (!(await this.applyBatch(message.events, expected, next))) {
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

  private applyBatch(events: readonly RecordedEvent[], expected: Position, next: Position): Promise<boolean> {
    return withTransaction(this.options.pool, async (tx) => {
      // Checkpoint first: a loser stops before touching any table (its empty transaction commits nothing),
      // and a rebuild swap holding this row waits us out cleanly. Its notice is delivered on COMMIT: live dashboards refetch.
      if (!(await advanceCheckpoint(tx, this.name, expected, next, events.length, PROJECTION_CHANNEL))) return false;
      await this.options.projection.apply(tx, events, { schema: liveSchemaOf(this.options.projection), store: this.options.store });
      await this.options.onBatch?.(tx, events);
      return true;
    });
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
