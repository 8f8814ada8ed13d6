import type { Pool } from 'pg';
import { FlagFraudCommand, type CommandContext } from '@ledger/payments-app';
import { isDomainError, type PaymentCommandOf } from '@ledger/payments-domain';
import { markFlagsDispatched, pendingFlags, type OutboxRow } from './fraud-store';

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
 * Runs the outbox's FlagFraud commands on the CommandBus and marks them done. A page's commands run side by side
 * (the command runner's coalescers then give them shared round trips), except that a payment's flags run one after
 * another in decision order; the page's outcomes are marked in one statement. A crash between the append and the
 * mark runs it again: its event id is derived from the command id, so the command runner finds it applied and
 * appends nothing. A refusal (a domain error with a stable code) is recorded as the outcome, not retried; anything
 * else (the store away) stops this round once the page's running commands have settled (what they did is marked;
 * a later flag of the failed one's payment does not run), and the next round retries.
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
      const { outcomes, failure } = await this.dispatchPage(rows);
      await markFlagsDispatched(this.pool, outcomes);
      dispatched += outcomes.length;
      if (failure) throw failure.error;
    }
  }

  /** The page's commands, each payment's in order, the payments side by side; what settled, and the first failure. */
  private async dispatchPage(
    rows: readonly OutboxRow[],
  ): Promise<{ outcomes: { seq: string; outcome: string }[]; failure?: { error: unknown } }> {
    const settled: ({ seq: string; outcome: string } | undefined)[] = rows.map(() => undefined);
    let failure: { error: unknown } | undefined;
    // Per payment, whether its flags so far all settled: a later one runs only after, and only if, they did.
    const previous = new Map<string, Promise<boolean>>();
    const runs = rows.map((row, i) => {
      const run = (previous.get(row.paymentId) ?? Promise.resolve(true)).then(async (clear) => {
        if (!clear || failure) return false;
        try {
          settled[i] = { seq: row.seq, outcome: await this.dispatch(row) };
          return true;
        } catch (error) {
          failure ??= { error };
          return false;
        }
      });
      previous.set(row.paymentId, run);
      return run;
    });
    await Promise.all(runs);
    return { outcomes: settled.filter((o) => o !== undefined), failure };
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
