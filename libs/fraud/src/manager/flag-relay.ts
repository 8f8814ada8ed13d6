import type { Pool } from 'pg';
import { FlagFraudCommand, type CommandContext } from '@ledger/payments-app';
import { isDomainError, type PaymentCommandOf } from '@ledger/payments-domain';
import { markFlagDispatched, pendingFlags, type OutboxRow } from './fraud-store';

/** What the relay needs of the Nest CommandBus. */
export interface FlagBus {
  execute(command: FlagFraudCommand): Promise<unknown>;
}

export const FRAUD_ACTOR = 'process:fraud-velocity';

/** The command and its context: the command id is the idempotency key its event id is derived from. */
export function flagCommandOf(row: OutboxRow): FlagFraudCommand {
  const { decidedAt, ...finding } = row.command;
  const command: PaymentCommandOf<'FlagFraud'> = {
    type: 'FlagFraud',
    data: { ...finding, paymentIds: [...finding.paymentIds], reason: `velocity:${finding.rule}` },
    now: new Date(decidedAt),
  };
  const context: CommandContext = {
    actor: FRAUD_ACTOR,
    correlationId: finding.tripId,
    causationId: row.causationId,
    idempotency: { namespace: FRAUD_ACTOR, key: row.commandId },
  };
  return new FlagFraudCommand(command, context);
}

/**
 * Runs the outbox's FlagFraud commands on the CommandBus in order and marks each done. A crash between the
 * append and the mark runs it again: its event id is derived from the command id, so the command runner finds it
 * applied and appends nothing. A refusal (a domain error with a stable code) is recorded as the outcome, not retried;
 * anything else (the store away) stops this round, and the next one retries.
 */
export class FlagRelay {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private again = false;
  private active = false;

  constructor(
    private readonly pool: Pool,
    private readonly bus: FlagBus,
    private readonly options: { pollMs?: number; log?: (message: string, fields?: Record<string, unknown>) => void } = {},
  ) {}

  /** The manager's lock holder relays; a standby does not. */
  setActive(active: boolean): void {
    this.active = active;
    if (active) this.wake();
    else if (this.timer) clearTimeout(this.timer);
  }

  wake(): void {
    if (!this.active) return;
    if (this.round) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.round = this.drain()
      .then(() => undefined)
      .catch((error) => this.options.log?.('fraud relay: round failed; retrying', { error: (error as Error).message }))
      .finally(() => {
        this.round = undefined;
        if (!this.active) return;
        if (this.again) {
          this.again = false;
          this.wake();
        } else this.timer = setTimeout(() => this.wake(), this.options.pollMs ?? 1000);
      });
  }

  async stop(): Promise<void> {
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    await this.round;
  }

  /** Everything pending, in decision order. */
  async drain(): Promise<number> {
    let dispatched = 0;
    for (;;) {
      const rows = await pendingFlags(this.pool);
      if (rows.length === 0) return dispatched;
      for (const row of rows) {
        await markFlagDispatched(this.pool, row.seq, await this.dispatch(row));
        dispatched++;
      }
    }
  }

  private async dispatch(row: OutboxRow): Promise<string> {
    try {
      await this.bus.execute(flagCommandOf(row));
      return 'dispatched';
    } catch (error) {
      if (!isDomainError(error)) throw error;
      this.options.log?.('fraud relay: FlagFraud refused', { commandId: row.commandId, code: error.code });
      return `refused:${error.code}`;
    }
  }
}
