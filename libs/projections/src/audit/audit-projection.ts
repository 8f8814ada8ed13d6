import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
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
 * Hash-chained rows after `last`, one per event in order, written with one
 * `COPY … FROM STDIN` in PostgreSQL's text format (data and metadata as their
 * canonical JSON, which the hash covers anyway: nothing is serialised twice).
 * Lines are sealed into buffers a thousand at a time: a rebuild holds tens of
 * thousands of rows between flushes, and as strings they would be copied by
 * every young-generation collection until promoted (a third of the rebuild's
 * time was the garbage collector before this).
 */
class AuditRows {
  private readonly sealed: Buffer[] = [];
  private lines: string[] = [];
  size = 0;

  constructor(public last: Buffer) {}

  add(event: RecordedEvent): void {
    const row = toContent(event);
    const prev = this.last;
    const parts = canonicalRowParts(row);
    const hash = chainHash(prev, parts.row);
    this.lines.push(
      `${row.commitPosition}\t${row.preparePosition}\t${copyText(row.streamId)}\t${row.revision}\t${copyText(row.eventId)}\t` +
        `${copyText(row.eventType)}\t${copyText(row.actor)}\t${copyText(row.sourceIp)}\t${row.occurredAt?.toISOString() ?? NULL}\t` +
        `${row.recordedAt.toISOString()}\t${copyText(parts.data)}\t${copyText(parts.metadata)}\t\\\\x${prev.toString('hex')}\t` +
        `\\\\x${hash.toString('hex')}\n`,
    );
    if (this.lines.length >= SEAL_EVERY) this.seal();
    this.last = hash;
    this.size += 1;
  }

  async insert(tx: PoolClient, schema: string): Promise<void> {
    this.seal();
    if (this.size === 0) return;
    const copy = tx.query(
      copyFrom(
        `COPY ${tableName(schema, 'audit_trail')} (commit_position, prepare_position, stream_id, revision, event_id, event_type,
           actor, source_ip, occurred_at, recorded_at, data, metadata, prev_hash, row_hash) FROM STDIN`,
      ),
    );
    await pipeline(Readable.from(this.sealed), copy);
  }

  private seal(): void {
    if (this.lines.length === 0) return;
    this.sealed.push(Buffer.from(this.lines.join(''), 'utf8'));
    this.lines = [];
  }
}

const SEAL_EVERY = 1000;
const NULL = '\\N';
const COPY_SPECIAL = /[\\\t\n\r]/g;
const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in COPY's text format: backslash, tab, newline and carriage return escaped; null as \N. */
function copyText(value: string | null): string {
  if (value === null) return NULL;
  return value.replace(COPY_SPECIAL, (c) => COPY_ESCAPES[c]);
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
