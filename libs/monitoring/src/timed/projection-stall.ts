import type { PoolClient } from 'pg';
import { readHorizon } from '@ledger/event-store';
import { PAYMENT_STREAM_PREFIX } from '@ledger/payments-domain';
import type { RuleReading } from '../rules/transitions';

/**
 * projection_stalled, on the wall clock: committed payment events have waited
 * above the PostgreSQL read horizon (invisible to every projector) for at least
 * `stallAfterMs`. Measured from the events, so it fires even when the role
 * cannot see who holds the horizon; names the holder when it can. Must run
 * before its transaction takes an id. On EventStoreDB the table is empty and
 * this never fires.
 */
export async function projectionStall(tx: PoolClient, now: Date, stallAfterMs: number): Promise<RuleReading[]> {
  const horizon = await readHorizon(tx, PAYMENT_STREAM_PREFIX);
  const h = horizon.holder;
  const who = h
    ? `pid ${h.pid} (${h.application || 'no application_name'}, database ${h.database ?? '?'}, ${h.state ?? '?'}, ${Math.round(h.ageSeconds)} s)`
    : 'a session this role cannot see (grant pg_read_all_stats to name it)';
  const waited = horizon.oldestWaitingSeconds;
  return [
    {
      rule: 'projection_stalled',
      provider: null,
      severity: 'critical',
      firing: horizon.eventsWaiting > 0 && waited * 1000 >= stallAfterMs,
      value: waited,
      threshold: stallAfterMs / 1000,
      windowStart: new Date(now.getTime() - waited * 1000),
      windowEnd: now,
      title: `projections stalled: ${horizon.eventsWaiting}${horizon.eventsWaiting >= 1000 ? '+' : ''} events have waited ${Math.round(waited)} s behind the read horizon, held by ${who}`,
      details: {
        pid: h?.pid ?? null,
        application: h?.application ?? null,
        database: h?.database ?? null,
        state: h?.state ?? null,
        ageSeconds: h?.ageSeconds ?? null,
        xmin: horizon.xmin,
        eventsWaiting: horizon.eventsWaiting,
        waitedSeconds: waited,
      },
    },
  ];
}
