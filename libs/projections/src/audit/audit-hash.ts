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
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  // Default sort: by UTF-16 code units, as a < b compares strings.
  const keys = Object.keys(object).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = object[key];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
}

/** The canonical row, and its data and metadata on their own (canonical JSON too: what the trail stores). */
export function canonicalRowParts(r: AuditRowContent): { row: string; data: string; metadata: string } {
  const data = canonicalJson(r.data);
  const metadata = canonicalJson(r.metadata);
  const scalars = [
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
  ].map(canonicalJson);
  return { row: `[${scalars.join(',')},${data},${metadata}]`, data, metadata };
}

export function canonicalRow(r: AuditRowContent): string {
  return canonicalRowParts(r).row;
}

export function rowHash(prevHash: Buffer, row: AuditRowContent): Buffer {
  return chainHash(prevHash, canonicalRow(row));
}

/** H(previous row_hash, canonical row). */
export function chainHash(prevHash: Buffer, canonical: string): Buffer {
  return createHash('sha256').update(prevHash).update(canonical, 'utf8').digest();
}
