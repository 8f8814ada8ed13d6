import type { PoolClient } from 'pg';
import { readHorizon } from '@ledger/event-store';
import type { RuleReading } from '../rules/transitions';

/**
 * projection_stalled, on the wall clock: the PostgreSQL read horizon has been
 * held for at least `stallAfterMs` while committed payment events wait above
 * it (invisible to every projector). Names the session holding it. Must run
 * before its transaction takes an id, or it would see itself as the holder.
 * On EventStoreDB the table is empty and this never fires.
 */
export async function projectionStall(tx: PoolClient, now: Date, stallAfterMs: number): Promise<RuleReading[]> {
  const horizon = await readHorizon(tx);
  const { rows: [waiting] } = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT 1 FROM event_store.events WHERE transaction_id >= $1::text::xid8 AND starts_with(stream_id, 'payment-') LIMIT 1000) AS w`,
    [horizon.xmin],
  );
  const held = horizon.ageSeconds * 1000;
  const h = horizon.holder;
  const who = h ? `pid ${h.pid} (${h.application || 'no application_name'}, database ${h.database ?? '?'}, ${h.state ?? '?'})` : 'an unknown session';
  return [{
    rule: 'projection_stalled', provider: null, severity: 'critical', firing: waiting.n > 0 && held >= stallAfterMs,
    value: horizon.ageSeconds, threshold: stallAfterMs / 1000, windowStart: new Date(now.getTime() - held), windowEnd: now,
    title: `projections stalled: read horizon held ${Math.round(horizon.ageSeconds)} s by ${who}; ${waiting.n}${waiting.n >= 1000 ? '+' : ''} events wait`,
    details: {
      pid: h?.pid ?? null, application: h?.application ?? null, database: h?.database ?? null, state: h?.state ?? null,
      ageSeconds: horizon.ageSeconds, xmin: horizon.xmin, eventsWaiting: waiting.n,
    },
  }];
}
