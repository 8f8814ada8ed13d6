import { createHash } from 'node:crypto';

/**
 * A UUID (version 5 layout) from SHA-256 of the parts. Events of a keyed
 * command get these ids, so a retry after a crash appends the same ids and the
 * store's idempotent re-append turns it into a no-op.
 */
export function deterministicUuid(...parts: string[]): string {
  const bytes = createHash('sha256').update(parts.join('\u0000')).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
