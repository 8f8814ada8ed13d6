import { createHash } from 'node:crypto';

export const GENESIS_HASH = Buffer.alloc(32);

/** The hashed content of one audit row: every column but the hashes. */
export interface AuditRowContent {
  commitPosition: bigint;
  preparePosition: bigint;
  streamId: string;
  revision: bigint;
  eventId: string;
  eventType: string;
  actor: string | null;
  sourceIp: string | null;
  occurredAt: Date | null;
  recordedAt: Date;
  data: unknown;
  metadata: unknown;
}

/** JSON with object keys sorted at every level, so equal values always hash equal. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function canonicalRow(r: AuditRowContent): string {
  return canonicalJson([
    r.commitPosition.toString(),
    r.preparePosition.toString(),
    r.streamId,
    r.revision.toString(),
    r.eventId.toLowerCase(),
    r.eventType,
    r.actor,
    r.sourceIp,
    r.occurredAt?.toISOString() ?? null,
    r.recordedAt.toISOString(),
    r.data,
    r.metadata,
  ]);
}

export function rowHash(prevHash: Buffer, row: AuditRowContent): Buffer {
  return createHash('sha256').update(prevHash).update(canonicalRow(row), 'utf8').digest();
}
