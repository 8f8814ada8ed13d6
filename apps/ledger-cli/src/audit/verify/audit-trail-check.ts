import type { PoolClient } from 'pg';
import { comparePositions, formatPosition, type Position, type RecordedEvent } from '@ledger/event-store';
import { FIRST_PREV_HASH, canonicalContent, linkHash, sortedJson, type TrailContent, type TrailRow } from './audit-hash';
import type { ReportDifference } from './compare-tables';
import { PAGE_SIZE } from './stored-events';

const FIELDS = [
  'streamId',
  'revision',
  'eventId',
  'eventType',
  'actor',
  'sourceIp',
  'occurredAt',
  'recordedAt',
  'data',
  'metadata',
] as const;

/**
 * Walks read_models.audit_trail beside the event stream, both in global order:
 * exactly one row per event, each row equal to its event, each link of the hash
 * chain recomputed (prev_hash = previous row_hash; row_hash = H(prev_hash, row)).
 */
export class AuditTrailCheck {
  private buffer: TrailRow[] = [];
  private exhausted = false;
  private previousHash: Buffer = FIRST_PREV_HASH;
  rows = 0;

  constructor(
    private readonly client: PoolClient,
    private readonly report: ReportDifference,
  ) {}

  async open(): Promise<void> {
    await this.client.query(
      `DECLARE verify_audit NO SCROLL CURSOR FOR SELECT * FROM read_models.audit_trail ORDER BY commit_position, prepare_position`,
    );
  }

  async check(event: RecordedEvent): Promise<void> {
    for (;;) {
      const row = await this.peek();
      const order = row ? comparePositions(positionOf(row), event.position) : 1;
      if (order > 0) {
        this.difference(formatPosition(event.position), 'row', `a row for event ${event.eventId}`, 'no row');
        return;
      }
      this.buffer.shift();
      const canonical = this.link(row as TrailRow);
      if (order < 0) {
        this.difference(at(row as TrailRow), 'row', 'no row (no event at this position)', `a row for event ${(row as TrailRow).event_id}`);
        continue;
      }
      this.sameAsEvent(row as TrailRow, canonical, event);
      return;
    }
  }

  /** Rows beyond the last event checked have no event: the trail may hold nothing the store does not. */
  async finish(): Promise<void> {
    for (let row = await this.peek(); row; row = await this.peek()) {
      this.buffer.shift();
      this.link(row);
      this.difference(at(row), 'row', 'no row (no event at this position)', `a row for event ${row.event_id}`);
    }
    await this.client.query('CLOSE verify_audit');
  }

  /** Returns the row's canonical content, hashed here and compared with the event's by the caller. */
  private link(row: TrailRow): string {
    this.rows += 1;
    if (!row.prev_hash.equals(this.previousHash)) {
      this.difference(at(row), 'prev_hash (broken link: does not match the previous row_hash)', hex(this.previousHash), hex(row.prev_hash));
    }
    const canonical = canonicalContent(contentOfRow(row));
    const recomputed = linkHash(row.prev_hash, canonical);
    if (!row.row_hash.equals(recomputed)) {
      this.difference(at(row), 'row_hash (broken link: row content does not match its hash)', hex(recomputed), hex(row.row_hash));
    }
    this.previousHash = row.row_hash;
    return canonical;
  }

  private sameAsEvent(row: TrailRow, canonical: string, event: RecordedEvent): void {
    const wanted = contentOfEvent(event);
    if (canonical === canonicalContent(wanted)) return;
    const stored = contentOfRow(row);
    for (const field of FIELDS) {
      const [e, a] = [show(wanted[field]), show(stored[field])];
      if (e !== a) this.difference(at(row), field, e, a);
    }
  }

  private difference(key: string, field: string, expected: string, actual: string): void {
    this.report({ readModel: 'audit_trail', key: `position=${key}`, field, expected, actual });
  }

  private async peek(): Promise<TrailRow | undefined> {
    if (this.buffer.length === 0 && !this.exhausted) {
      const { rows } = await this.client.query<TrailRow>(`FETCH ${PAGE_SIZE} FROM verify_audit`);
      this.buffer = rows;
      this.exhausted = rows.length < PAGE_SIZE;
    }
    return this.buffer[0];
  }
}

const positionOf = (r: TrailRow): Position => ({ commit: BigInt(r.commit_position), prepare: BigInt(r.prepare_position) });
const at = (r: TrailRow) => `${r.commit_position}/${r.prepare_position}`;
const hex = (b: Buffer) => b.toString('hex');

function show(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return v.toString();
  const json = sortedJson(v);
  return json.length > 300 ? `${json.slice(0, 300)}…` : json;
}

function contentOfRow(r: TrailRow): TrailContent {
  return {
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
  };
}

/** What the row must say, taken from the event (the trail stores times to the millisecond). */
function contentOfEvent(e: RecordedEvent): TrailContent {
  const meta = e.metadata ?? {};
  const occurred = typeof meta.occurredAt === 'string' ? new Date(meta.occurredAt) : null;
  return {
    commitPosition: e.position.commit,
    preparePosition: e.position.prepare,
    streamId: e.streamId,
    revision: e.revision,
    eventId: e.eventId,
    eventType: e.type,
    actor: typeof meta.actor === 'string' ? meta.actor : null,
    sourceIp: typeof meta.sourceIp === 'string' ? meta.sourceIp : null,
    occurredAt: occurred && !Number.isNaN(occurred.getTime()) ? occurred : null,
    recordedAt: new Date(e.recordedAt.getTime()),
    data: e.data,
    metadata: meta,
  };
}
