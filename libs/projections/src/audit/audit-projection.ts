import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@ledger/event-store';
import { ProjectionError, describeEvent, type Projection, type ProjectionTarget } from '../runner/projection';
import { tableName } from '../sql/upsert';
import { GENESIS_HASH, rowHash, type AuditRowContent } from './audit-hash';

/**
 * One hash-chained row per event. Its own projection and checkpoint: the chain
 * must be extended strictly in order, and the auditors' trail should not be
 * rebuilt just because a dashboard read model changed shape.
 */
export const auditTrailProjection: Projection = {
  name: 'audit_trail',
  tables: ['audit_trail'],
  async apply(tx: PoolClient, events: readonly RecordedEvent[], { schema }: ProjectionTarget): Promise<void> {
    const table = tableName(schema, 'audit_trail');
    const { rows: last } = await tx.query<{ row_hash: Buffer }>(
      `SELECT row_hash FROM ${table} ORDER BY commit_position DESC, prepare_position DESC LIMIT 1`,
    );
    let prev: Buffer = last[0]?.row_hash ?? GENESIS_HASH;
    const cols: unknown[][] = Array.from({ length: 14 }, () => []);
    for (const event of events) {
      const row = toContent(event);
      const hash = rowHash(prev, row);
      const values = [
        row.commitPosition.toString(),
        row.preparePosition.toString(),
        row.streamId,
        row.revision.toString(),
        row.eventId,
        row.eventType,
        row.actor,
        row.sourceIp,
        row.occurredAt?.toISOString() ?? null,
        row.recordedAt.toISOString(),
        JSON.stringify(row.data),
        JSON.stringify(row.metadata),
        `\\x${prev.toString('hex')}`,
        `\\x${hash.toString('hex')}`,
      ];
      values.forEach((v, i) => cols[i].push(v));
      prev = hash;
    }
    await tx.query(
      `INSERT INTO ${table} (commit_position, prepare_position, stream_id, revision, event_id, event_type, actor, source_ip,
         occurred_at, recorded_at, data, metadata, prev_hash, row_hash)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::uuid[], $6::text[], $7::text[],
         $8::text[], $9::timestamptz[], $10::timestamptz[], $11::jsonb[], $12::jsonb[], $13::bytea[], $14::bytea[])`,
      cols,
    );
  },
};

function toContent(e: RecordedEvent): AuditRowContent {
  const meta = e.metadata ?? {};
  const occurredAt = typeof meta.occurredAt === 'string' ? new Date(meta.occurredAt) : null;
  if (occurredAt && Number.isNaN(occurredAt.getTime())) throw new ProjectionError('metadata.occurredAt is not a time', describeEvent(e));
  return {
    commitPosition: e.position.commit,
    preparePosition: e.position.prepare,
    streamId: e.streamId,
    revision: e.revision,
    eventId: e.eventId,
    eventType: e.type,
    actor: typeof meta.actor === 'string' ? meta.actor : null,
    sourceIp: typeof meta.sourceIp === 'string' ? meta.sourceIp : null,
    occurredAt,
    recordedAt: new Date(e.recordedAt.getTime()),
    data: e.data,
    metadata: meta,
  };
}
