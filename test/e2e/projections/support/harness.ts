import type { Pool } from 'pg';
import {
  PostgresEventStore,
  comparePositions,
  createEventStore,
  type EventStore,
  type Position,
  type RecordedEvent,
} from '@ledger/event-store';
import { readCheckpoint, PROJECTIONS } from '@ledger/projections';

/**
 * The store the workload runs on: PostgreSQL by default; with EVENT_STORE=eventstoredb and
 * EVENTSTORE_CONNECTION_STRING (opt-in, as for `npm run test:eventstoredb`), a live EventStoreDB.
 * The workload counts every `payment-` stream, so that server must hold none yet (restart a --mem-db node).
 */
export async function openWorkloadStore(pool: Pool): Promise<EventStore> {
  if (process.env.EVENT_STORE !== 'eventstoredb') return new PostgresEventStore(pool, { pollIntervalMs: 10 });
  const store = createEventStore(
    { EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: process.env.EVENTSTORE_CONNECTION_STRING },
    pool,
  );
  const existing = await store.readAll({ maxCount: 1, streamPrefix: 'payment-' });
  if (existing.length > 0) {
    await store.close();
    throw new Error('the read-model workload needs an EventStoreDB with no payment- streams yet (restart the in-memory node)');
  }
  return store;
}

export async function readAllEvents(store: EventStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after: out.at(-1)?.position, maxCount: 5000, streamPrefix: 'payment-' });
    out.push(...page);
    if (page.length < 5000) return out;
  }
}

/**
 * Waits until every projection's checkpoint reaches the store's true head: on PostgreSQL the newest committed
 * event, not the newest visible one (a transaction anywhere on the server, another spec's, holds visibility
 * back, and a wait for the visible head would return before the last event was projected).
 */
export async function waitForProjections(
  pool: Pool,
  store: EventStore,
  timeoutMs = 60_000,
  names: readonly string[] = Object.keys(PROJECTIONS),
): Promise<Position> {
  const deadline = Date.now() + timeoutMs;
  const headOf = async (prefix: string) =>
    store instanceof PostgresEventStore
      ? await store.committedHead(prefix)
      : (await store.readAll({ direction: 'backwards', maxCount: 1, streamPrefix: prefix }))[0]?.position;
  // Each projection against the head of the streams it reads (books and reconciliation read 'pay': payouts too).
  const prefixes = names.map((name) => PROJECTIONS[name]?.streamPrefix ?? 'payment-');
  for (;;) {
    const [head, ...heads] = await Promise.all([headOf('payment-'), ...prefixes.map(headOf)]);
    const checkpoints = await Promise.all(names.map((name) => readCheckpoint(pool, name)));
    if (head && checkpoints.every((c, i) => heads[i] !== undefined && comparePositions(c.position, heads[i]) === 0)) return head;
    if (Date.now() > deadline)
      throw new Error(
        `projections did not catch up: ${checkpoints.map((c) => `${c.name}@${c.position.commit}/${c.position.prepare}`).join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ORDER: Record<string, string> = {
  payments: 'payment_id',
  payment_metrics: 'provider, currency',
  status_counts: 'provider, currency, status',
  volume_buckets: 'granularity, bucket_start, provider, currency',
  error_counts: 'provider, currency, error_code',
  health_windows: 'minute_start, provider',
  audit_trail: 'commit_position, prepare_position',
};

/** Every read-model table as text, for exact comparison (zero counters dropped: a delta netting to 0 may leave a row). */
export async function snapshotReadModels(pool: Pool): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [table, order] of Object.entries(ORDER)) {
    const { rows } = await pool.query(`SELECT t::text AS row FROM read_models.${table} t ORDER BY ${order}`);
    out[table] = rows.map((r) => r.row as string);
  }
  out.status_counts = out.status_counts.filter((r) => !r.endsWith(',0)'));
  return out;
}
