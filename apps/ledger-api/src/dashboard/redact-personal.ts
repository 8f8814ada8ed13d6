import { Injectable } from '@nestjs/common';
import { DataKeyStore, FORGOTTEN, isSealed } from '@ledger/security';

/** What a sealed personal field shows on the dashboard while its customer's key lives. */
export const WITHHELD = '[personal data]';

/**
 * dashboard:read never sees personal data: each sealed field of a recent event is shown as withheld, or as
 * forgotten once its customer's data key is destroyed. Nothing is decrypted here.
 */
@Injectable()
export class PersonalDataRedactor {
  constructor(private readonly keys: DataKeyStore) {}

  async redact<T>(value: T): Promise<T> {
    const alive = new Map<string, Promise<boolean>>();
    const live = (sealed: string) => {
      const keyId = sealed.slice('pd1:'.length).split('.')[1] ?? '';
      if (!alive.has(keyId))
        alive.set(
          keyId,
          this.keys.find(keyId).then((key) => key !== undefined),
        );
      return alive.get(keyId) as Promise<boolean>;
    };
    const walk = async (v: unknown): Promise<unknown> => {
      if (isSealed(v)) return (await live(v)) ? WITHHELD : FORGOTTEN;
      if (Array.isArray(v)) return Promise.all(v.map(walk));
      if (typeof v === 'object' && v !== null) {
        const entries = await Promise.all(Object.entries(v).map(async ([k, x]) => [k, await walk(x)] as const));
        return Object.fromEntries(entries);
      }
      return v;
    };
    return (await walk(value)) as T;
  }
}
