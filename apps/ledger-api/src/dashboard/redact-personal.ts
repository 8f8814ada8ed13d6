import { Injectable } from '@nestjs/common';
import { DataKeyStore, FORGOTTEN, isSealed, sealedKeyId } from '@ledger/security';

/** What a sealed personal field shows on the dashboard while its customer's key lives. */
export const WITHHELD = '[personal data]';

/**
 * dashboard:read never sees personal data: each sealed field of a recent event is shown as withheld, or as
 * forgotten once its customer's data key is destroyed. Nothing is decrypted here: the key ids of every sealed
 * value are gathered first and asked about in one query (a page of recent events may name fifty customers).
 */
@Injectable()
export class PersonalDataRedactor {
  constructor(private readonly keys: DataKeyStore) {}

  async redact<T>(value: T): Promise<T> {
    const keyIds = new Set<string>();
    gatherSealed(value, keyIds);
    if (keyIds.size === 0) return value;
    const living = await this.keys.living([...keyIds]);
    return replaceSealed(value, (sealed) => (living.has(sealedKeyId(sealed)) ? WITHHELD : FORGOTTEN)) as T;
  }
}

function gatherSealed(v: unknown, keyIds: Set<string>): void {
  if (isSealed(v)) keyIds.add(sealedKeyId(v));
  else if (Array.isArray(v)) for (const x of v) gatherSealed(x, keyIds);
  else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) gatherSealed(x, keyIds);
}

function replaceSealed(v: unknown, shown: (sealed: string) => string): unknown {
  if (isSealed(v)) return shown(v);
  if (Array.isArray(v)) return v.map((x) => replaceSealed(x, shown));
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceSealed(x, shown)]));
  return v;
}
