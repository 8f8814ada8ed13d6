import { setTimeout as sleep } from 'node:timers/promises';
import { assertEventStoreReachable, type EventStore } from '@ledger/event-store';
import { isDatabaseUnavailable } from './unavailable';

export interface WaitOptions {
  readonly retryMs?: number;
  readonly log?: (message: string, fields: Record<string, unknown>) => void;
  /** A stop signal (SIGTERM while waiting): the wait ends at once, returning false. */
  readonly signal?: AbortSignal;
}

/**
 * A service's start-up check of its event store (assertEventStoreReachable), retried for as long as
 * PostgreSQL is down or restarting: a service started during an outage waits for the database instead of
 * exiting. Anything else (a foreign history, an unreachable EventStoreDB) still fails the start at once.
 * The CLI keeps the plain check: a command run by hand should say at once that the database is down.
 */
export async function waitForEventStore(store: EventStore, { retryMs = 1_000, log, signal }: WaitOptions = {}): Promise<boolean> {
  for (let attempt = 0; !signal?.aborted; attempt++) {
    try {
      await assertEventStoreReachable(store);
      return true;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      if (attempt % 10 === 0) log?.('database unavailable at start; waiting for it', { error: (error as Error).message });
      await sleep(retryMs, undefined, { signal }).catch(() => undefined); // an abort ends the wait early
    }
  }
  return false;
}
