import type { Pool } from 'pg';
import { START, comparePositions, type EventStore, type Position } from '@ledger/event-store';
import { readCheckpoint } from '../runner/checkpoints';
import { READ_MODELS_SCHEMA } from '../runner/projection';
import { tableName } from '../sql/upsert';
import { GENESIS_HASH, rowHash } from './audit-hash';

export type AuditChainResult =
  { ok: true; rows: number; events: number } | { ok: false; rows: number; events: number; brokenAt?: string; reason: string };

/** A row of read_models.audit_trail as pg returns it. */
export interface AuditRow {
  commit_position: string;
  prepare_position: string;
  stream_id: string;
  revision: string;
  event_id: string;
  event_type: string;
  actor: string | null;
  source_ip: string | null;
  occurred_at: Date | null;
  recorded_at: Date;
  data: unknown;
  metadata: unknown;
  prev_hash: Buffer;
  row_hash: Buffer;
}

const PAGE = 5000;

/**
 * Walks the audit trail in order, recomputing each row's hash from its content
 * and the previous row's hash; reports the first broken link. Then checks that
 * the trail holds exactly as many rows as the store holds payment events up to
 * the trail's checkpoint, read through the store's port (either adapter).
 */
export async function verifyAuditChain(pool: Pool, store: EventStore): Promise<AuditChainResult> {
  const table = tableName(READ_MODELS_SCHEMA, 'audit_trail');
  let prev: Buffer = GENESIS_HASH;
  let rows = 0;
  let after: [string, string] = ['-1', '-1'];
  for (;;) {
    const page = await pool.query<AuditRow>(
      `SELECT * FROM ${table} WHERE (commit_position, prepare_position) > ($1::bigint, $2::bigint)
       ORDER BY commit_position, prepare_position LIMIT ${PAGE}`,
      after,
    );
    for (const r of page.rows) {
      const at = `${r.commit_position}/${r.prepare_position}`;
      const expected = rowHash(prev, {
        commitPosition: BigInt(r.commit_position),
        preparePosition: BigInt(r.prepare_position),
        streamId: r.stream_id,
        revision: BigInt(r.revision),
        eventId: r.event_id,
        eventType: r.event_type,
        actor: r.actor,
        sourceIp: r.source_ip,
        occurredAt: r.occurred_at,
        recordedAt: r.recorded_at,
        data: r.data,
        metadata: r.metadata,
      });
      if (!r.prev_hash.equals(prev))
        return { ok: false, rows, events: -1, brokenAt: at, reason: 'prev_hash does not match the previous row' };
      if (!r.row_hash.equals(expected)) return { ok: false, rows, events: -1, brokenAt: at, reason: 'row content does not match row_hash' };
      prev = r.row_hash;
      rows += 1;
    }
    if (page.rows.length < PAGE) break;
    const last = page.rows[page.rows.length - 1];
    after = [last.commit_position, last.prepare_position];
  }
  const events = await countStoreEventsUpTo(store, (await readCheckpoint(pool, 'audit_trail')).position);
  if (events !== rows)
    return { ok: false, rows, events, reason: `audit trail has ${rows} rows but the store has ${events} events up to its checkpoint` };
  return { ok: true, rows, events };
}

/** The store's payment events at or before `to`, read through the port a page at a time. */
export async function countStoreEventsUpTo(store: EventStore, to: Position, pageSize = 5000): Promise<number> {
  if (comparePositions(to, START) === 0) return 0;
  let count = 0;
  let after: Position | undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: pageSize, streamPrefix: 'payment-' });
    const upTo = page.filter((e) => comparePositions(e.position, to) <= 0);
    count += upTo.length;
    if (page.length < pageSize || upTo.length < page.length) return count;
    after = page[page.length - 1].position;
  }
}
