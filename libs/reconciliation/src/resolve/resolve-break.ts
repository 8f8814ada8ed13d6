import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { WrongExpectedVersionError, type EventStore } from '@ledger/event-store';
import { accountType } from '@ledger/books';
import { CURRENT_SCHEMA_VERSION, isProvider } from '@ledger/payments-domain';
import { listBreaks, type ReconciliationBreak } from '../breaks/breaks.query';
import { resolutionStreamId, type ReconciliationBreakResolved } from '../events/payout-events';

export class ResolveBreakError extends Error {
  constructor(
    readonly code: 'break_not_found' | 'break_resolved' | 'validation_failed',
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ResolveBreakError';
  }
}

export interface ResolveBreak {
  readonly breakId: string;
  /** An account of the books' chart, of the break's provider where it names one (`expense:fees:stripe`, `revenue:sales`…). */
  readonly account: string;
  readonly note: string;
  readonly actor: string;
  readonly now: Date;
}

/**
 * A command: appends ReconciliationBreakResolved on the break's own resolution stream (expected: no stream, so a
 * break is resolved once however many people try at once). The projection closes the break from it; its suspense
 * amount moves to `account`.
 */
export async function resolveBreak(pool: Pool, store: EventStore, command: ResolveBreak): Promise<ReconciliationBreak> {
  const note = command.note.trim();
  if (note.length === 0 || note.length > 1000) throw new ResolveBreakError('validation_failed', 'a note of 1 to 1000 characters', 'note');
  try {
    accountType(command.account);
  } catch {
    throw new ResolveBreakError('validation_failed', 'not an account of the chart (CONTRACT.md › Books)', 'account');
  }
  const [found] = await listBreaks(pool, { breakId: command.breakId, now: command.now });
  if (!found) throw new ResolveBreakError('break_not_found', `no break ${command.breakId}`);
  if (found.status !== 'open' || !isProvider(found.provider))
    throw new ResolveBreakError('break_resolved', `break ${command.breakId} is already resolved`);
  const providerOf = /:([a-z]+)$/.exec(command.account)?.[1];
  if (providerOf && /^(provider|bank|fx|suspense|expense:fees)/.test(command.account) && providerOf !== found.provider) {
    throw new ResolveBreakError('validation_failed', `the break is ${found.provider}'s: name ${found.provider}'s account`, 'account');
  }
  const event: ReconciliationBreakResolved = {
    type: 'ReconciliationBreakResolved',
    data: {
      provider: found.provider,
      breakId: found.breakId,
      account: command.account,
      note,
      actor: command.actor,
      resolvedAt: command.now.toISOString(),
    },
  };
  const streamId = resolutionStreamId(found.provider, found.breakId);
  try {
    await store.appendToStream(
      streamId,
      [
        {
          // A fresh id: a second resolution, even an identical one, is refused by the expected revision, never taken as a retry.
          eventId: randomUUID(),
          ...event,
          metadata: {
            correlationId: found.breakId,
            actor: command.actor,
            schemaVersion: CURRENT_SCHEMA_VERSION,
            occurredAt: command.now.toISOString(),
          },
        },
      ],
      'no_stream',
    );
  } catch (error) {
    if (error instanceof WrongExpectedVersionError)
      throw new ResolveBreakError('break_resolved', `break ${command.breakId} is already resolved`);
    throw error;
  }
  return {
    ...found,
    status: 'resolved',
    closedBy: 'resolution',
    account: command.account,
    note,
    actor: command.actor,
    closedAt: command.now.toISOString(),
  };
}
