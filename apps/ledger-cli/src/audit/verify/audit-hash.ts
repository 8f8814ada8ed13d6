import { createHash } from 'node:crypto';

/**
 * The audit trail's hash chain, written again for the auditor from its
 * definition (libs/projections/README.md, audit_trail): row_hash = sha256(prev_hash || canonical
 * row), the first prev_hash 32 zero bytes, the canonical row a JSON array of
 * every column but the hashes, object keys sorted at every level.
 * Deliberately not imported from @ledger/projections: verify must not share the code it checks.
 */
export const FIRST_PREV_HASH = Buffer.alloc(32);

/** A row of read_models.audit_trail as pg returns it. */
export interface TrailRow {
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

/** What a row hashes: every column but the two hashes, in column order. */
export interface TrailContent {
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

export function sortedJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function canonicalContent(c: TrailContent): string {
  return sortedJson([
    String(c.commitPosition),
    String(c.preparePosition),
    c.streamId,
    String(c.revision),
    c.eventId.toLowerCase(),
    c.eventType,
    c.actor,
    c.sourceIp,
    c.occurredAt ? c.occurredAt.toISOString() : null,
    c.recordedAt.toISOString(),
    c.data,
    c.metadata,
  ]);
}

export const linkHash = (prev: Buffer, canonical: string): Buffer => createHash('sha256').update(prev).update(canonical, 'utf8').digest();
