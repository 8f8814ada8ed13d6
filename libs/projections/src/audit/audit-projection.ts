import type { Pool, PoolClient } from 'pg';
import type { RecordedEvent } from '@ledger/event-store';
import { ProjectionError, describeEvent, type Projection, type ProjectionRebuilder, type ProjectionTarget } from '../runner/projection';
import { tableName } from '../sql/upsert';
import { GENESIS_HASH, canonicalRowParts, chainHash, type AuditRowContent } from './audit-hash';

/**
 * One hash-chained row per event. Its own projection and checkpoint: the chain
 * must be extended strictly in order, and the auditors' trail should not be
 * rebuilt just because a dashboard read model changed shape.
 */
export const auditTrailProjection: Projection = {
  name: 'audit_trail',
  tables: ['audit_trail'],
  async apply(tx: PoolClient, events: readonly RecordedEvent[], { schema }: ProjectionTarget): Promise<void> {
    const rows = new AuditRows(await lastHash(tx, schema));
    for (const event of events) rows.add(event);
    await rows.insert(tx, schema);
  },
  rebuilder: ({ schema }, tuning) => new AuditRebuilder(schema, tuning?.flushRows),
};

/** The rebuild's writer: the chain's last hash kept in memory, rows inserted 20,000 at a time. */
class AuditRebuilder implements ProjectionRebuilder {
  private rows: AuditRows | undefined;

  constructor(
    private readonly schema: string,
    private readonly flushRows = 20_000,
  ) {}

  get full(): boolean {
    return (this.rows?.size ?? 0) >= this.flushRows;
  }

  async fold(db: Pool, events: readonly RecordedEvent[], flushed: () => Promise<void>): Promise<void> {
    if (!this.rows) {
      await flushed();
      this.rows = new AuditRows(await lastHash(db, this.schema));
    }
    for (const event of events) this.rows.add(event);
  }

  async flush(tx: PoolClient): Promise<void> {
    const rows = this.rows;
    if (!rows) return;
    this.rows = new AuditRows(rows.last);
    await rows.insert(tx, this.schema);
  }
}

async function lastHash(db: Pool | PoolClient, schema: string): Promise<Buffer> {
  const { rows } = await db.query<{ row_hash: Buffer }>(
    `SELECT row_hash FROM ${tableName(schema, 'audit_trail')} ORDER BY commit_position DESC, prepare_position DESC LIMIT 1`,
  );
  return rows[0]?.row_hash ?? GENESIS_HASH;
}

/**
 * Hash-chained rows after `last`, one per event in order, gathered as one JSON
 * array for a single insert (data and metadata as their canonical JSON, which
 * the hash covers anyway: nothing is serialised twice or escaped into arrays).
 */
class AuditRows {
  private json = '';
  size = 0;

  constructor(public last: Buffer) {}

  add(event: RecordedEvent): void {
    const row = toContent(event);
    const prev = this.last;
    const parts = canonicalRowParts(row);
    const hash = chainHash(prev, parts.row);
    const occurredAt = row.occurredAt ? `"${row.occurredAt.toISOString()}"` : 'null';
    this.json +=
      `${this.size === 0 ? '' : ','}{"c":${row.commitPosition},"p":${row.preparePosition},"s":${JSON.stringify(row.streamId)},` +
      `"r":${row.revision},"e":${JSON.stringify(row.eventId)},"t":${JSON.stringify(row.eventType)},"a":${JSON.stringify(row.actor)},` +
      `"i":${JSON.stringify(row.sourceIp)},"o":${occurredAt},"d":"${row.recordedAt.toISOString()}",` +
      `"data":${parts.data},"meta":${parts.metadata},"ph":"${prev.toString('hex')}","rh":"${hash.toString('hex')}"}`;
    this.last = hash;
    this.size += 1;
  }

  async insert(tx: PoolClient, schema: string): Promise<void> {
    if (this.size === 0) return;
    await tx.query(
      `INSERT INTO ${tableName(schema, 'audit_trail')} (commit_position, prepare_position, stream_id, revision, event_id, event_type,
         actor, source_ip, occurred_at, recorded_at, data, metadata, prev_hash, row_hash)
       SELECT c, p, s, r, e, t, a, i, o, d, data, meta, decode(ph, 'hex'), decode(rh, 'hex')
         FROM json_to_recordset($1::json) AS x(c bigint, p bigint, s text, r bigint, e uuid, t text, a text, i text,
              o timestamptz, d timestamptz, data jsonb, meta jsonb, ph text, rh text)`,
      [`[${this.json}]`],
    );
  }
}

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
