import type { Pool } from 'pg';
import { START, comparePositions, type EventStore, type Position, type RecordedEvent } from '@ledger/event-store';
import { isDatabaseUnavailable, withTransaction, type FraudRules } from '@ledger/platform';
import { AdvisoryLock } from '@ledger/projections';
import type { PersonalDataCipher } from '@ledger/security';
import { factsOf, followsStream } from '../velocity/facts-from-events';
import type { FlagDecision } from '../velocity/facts';
import { VelocityState } from '../velocity/velocity-state';
import {
  FRAUD_MANAGER,
  advanceFraudCheckpoint,
  loadFraudState,
  pruneFraudState,
  readFraudCheckpoint,
  writeFraudBatch,
} from './fraud-store';

export interface FraudManagerOptions {
  readonly pool: Pool;
  readonly store: EventStore;
  readonly rules: FraudRules;
  /** Opens the sealed risk signals with the customer's key (a forgotten customer's read as nothing). */
  readonly personalData: PersonalDataCipher;
  readonly batchSize?: number;
  readonly standbyPollMs?: number;
  /** After each committed batch that decided flags (the relay wakes up). */
  readonly onDecided?: () => void;
  /** While active (holding the lock) or not: the relay runs only on the active instance. */
  readonly onActive?: (active: boolean) => void;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * The advisory lock one active manager holds; others wait as hot standbys. The projector's key scheme, so
 * `projectionRunners(pool, [FRAUD_MANAGER])` of @ledger/projections names the process running it.
 */
export const FRAUD_MANAGER_LOCK = `projection:${FRAUD_MANAGER}`;

/**
 * The fraud-velocity process manager: follows the payment and customer streams from its own checkpoint and, per
 * batch, in ONE transaction: moves the checkpoint (compare-and-set, first), writes what its state learnt and the
 * FlagFraud commands it decided into its outbox. It never runs a command itself: the relay does, with the
 * command ids decided here, so a crash anywhere repeats at most a no-op.
 */
export class FraudManager {
  private stopping = false;
  private running: Promise<void> | undefined;
  private stopSubscription: (() => Promise<void>) | undefined;
  private wakeStandby: (() => void) | undefined;
  private readonly lock: AdvisoryLock;
  private batches = 0;

  constructor(private readonly options: FraudManagerOptions) {
    this.lock = new AdvisoryLock(options.pool, FRAUD_MANAGER_LOCK);
  }

  run(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeStandby?.();
    await this.stopSubscription?.();
    await this.running?.catch(() => undefined);
  }

  private async loop(): Promise<void> {
    const { standbyPollMs = 1000 } = this.options;
    while (!this.stopping) {
      try {
        if (!(await this.lock.tryAcquire())) {
          await this.standby(standbyPollMs);
          continue;
        }
        this.options.log?.('fraud manager active', { manager: FRAUD_MANAGER });
        this.options.onActive?.(true);
        try {
          await this.follow();
        } finally {
          this.options.onActive?.(false);
          await this.lock.release();
        }
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
        this.options.log?.('fraud manager interrupted: database unavailable, resuming from the checkpoint', {
          error: (error as Error).message,
        });
        await this.standby(standbyPollMs);
      }
    }
  }

  /** From the stored checkpoint with the stored state; both again whenever the compare-and-set loses (a rebuild). */
  private async follow(): Promise<void> {
    const { pool, store, batchSize = 500 } = this.options;
    while (!this.stopping) {
      let expected = (await readFraudCheckpoint(pool)).position;
      const state = new VelocityState(this.options.rules);
      const loaded = await loadFraudState(pool);
      state.load(loaded.observations, loaded.trips);
      let lockCheckedAt = Date.now();
      const subscription = store.subscribeToAll({
        after: comparePositions(expected, START) === 0 ? undefined : expected,
        maxBatchSize: batchSize,
      });
      this.stopSubscription = () => subscription.stop();
      if (this.stopping) await subscription.stop();
      let lost = false;
      let applying = false;
      // Idle and caught up, no batch would find out that a rebuild reset the checkpoint: look now and then.
      const watch = setInterval(() => {
        if (applying || lost) return;
        void readFraudCheckpoint(pool).then(
          ({ position }) => {
            if (applying || lost || comparePositions(position, expected) === 0) return;
            lost = true;
            void subscription.stop();
          },
          () => undefined,
        );
      }, this.options.standbyPollMs ?? 1000);
      try {
        for await (const message of subscription) {
          if (lost) break;
          if (message.kind === 'caughtUp') continue;
          const next = message.events[message.events.length - 1].position;
          applying = true;
          const applied = await this.applyBatch(state, message.events, expected, next).finally(() => (applying = false));
          if (!applied) lost = true;
          if (lost) break;
          expected = next;
          if (this.stopping) break;
          if (Date.now() - lockCheckedAt > 5000) {
            if (!(await this.lock.isHeld())) return;
            lockCheckedAt = Date.now();
          }
        }
      } finally {
        clearInterval(watch);
        this.stopSubscription = undefined;
        await subscription.stop();
      }
      if (!lost || this.stopping) return;
      this.options.log?.('fraud checkpoint moved under us (a rebuild?); reloading the state', { manager: FRAUD_MANAGER });
    }
  }

  private async applyBatch(state: VelocityState, events: readonly RecordedEvent[], expected: Position, next: Position): Promise<boolean> {
    const followed = events.filter((e) => followsStream(e.streamId));
    const facts = await factsOf(followed, this.options.personalData.session().opener());
    const decisions: (FlagDecision & { causationId: string })[] = [];
    for (const { fact, eventId } of facts) {
      for (const d of state.observe(fact)) decisions.push({ ...d, causationId: eventId });
    }
    const changes = state.takeChanges();
    const committed = await withTransaction(this.options.pool, async (tx) => {
      if (!(await advanceFraudCheckpoint(tx, expected, next, events.length))) return false;
      await writeFraudBatch(tx, changes, decisions);
      return true;
    });
    if (committed && decisions.length > 0) this.options.onDecided?.();
    if (committed && ++this.batches % 200 === 0) await pruneFraudState(this.options.pool);
    return committed;
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
