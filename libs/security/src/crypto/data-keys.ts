import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { Coalescer } from '@ledger/event-store';
import { decrypt, encrypt, type Keyring } from './aes-gcm';

export interface DataKey {
  readonly id: string;
  readonly key: Buffer;
}

type Queryable = Pick<Pool, 'query'>;

/** How many data keys each master key wraps, with one key id of each to try opening (an audit's sample). */
export interface DataKeysUnderMasterKey {
  readonly masterKeyId: string;
  readonly count: number;
  readonly sampleKeyId: string;
}

interface Lookup {
  readonly value: string;
  /** Lookups never wait for one another: each its own coalescer key. */
  readonly n: number;
}

interface WrappedRow {
  readonly key_id: string;
  readonly wrapped: string;
}

/** The context binds a wrapped key to its id: a wrapped key copied onto another row does not unwrap. */
const wrapContext = (keyId: string) => `data-key:${keyId}`;

/**
 * Data keys in `ledger.data_keys`, one per owner (`customer:<id>` or
 * `payment:<id>`), each wrapped by the master key. No key is cached: a
 * forgotten key must stop decrypting in every process at once.
 */
export class DataKeyStore {
  /** Lookups arriving together are one statement each kind (issue 33); each still reads the table at that moment. */
  private readonly byOwners: Coalescer<Lookup, WrappedRow | undefined>;
  private readonly byIds: Coalescer<Lookup, WrappedRow | undefined>;
  private lookups = 0;

  constructor(
    private readonly db: Queryable,
    private readonly master: Keyring,
  ) {
    this.byOwners = new Coalescer(
      (lookups) => this.wrappedBy('owner', lookups),
      (l) => String(l.n),
    );
    this.byIds = new Coalescer(
      (lookups) => this.wrappedBy('key_id', lookups),
      (l) => String(l.n),
    );
  }

  /** The owner's key, created on first use. Of two first callers racing, both get the one row that won. */
  async keyFor(owner: string): Promise<DataKey> {
    return (await this.byOwner(owner)) ?? this.create(owner);
  }

  /** keyFor for an owner just found keyless (keyOf): creates the key, or gets the one a racing caller made. */
  async create(owner: string): Promise<DataKey> {
    const id = randomBytes(12).toString('base64url');
    const key = randomBytes(32);
    const wrapped = encrypt(key.toString('base64url'), this.master, wrapContext(id));
    const { rowCount } = await this.db.query(
      `INSERT INTO ledger.data_keys (key_id, owner, master_key_id, wrapped) VALUES ($1, $2, $3, $4) ON CONFLICT (owner) DO NOTHING`,
      [id, owner, this.master.current, wrapped],
    );
    if (rowCount === 1) return { id, key };
    const winner = await this.byOwner(owner);
    if (!winner) throw new Error(`data key of ${owner} vanished while it was created (forgotten concurrently)`);
    return winner;
  }

  /** The owner's key if it has one (never created here: keyFor creates). */
  keyOf(owner: string): Promise<DataKey | undefined> {
    return this.byOwner(owner);
  }

  /** The key with this id, or undefined once its owner has been forgotten. */
  async find(keyId: string): Promise<Buffer | undefined> {
    const row = await this.byIds.submit({ value: keyId, n: this.lookups++ });
    return row ? this.unwrap(row).key : undefined;
  }

  /** Which of these key ids still have a key (nothing unwrapped: for showing a value as withheld or forgotten). */
  async living(keyIds: readonly string[]): Promise<Set<string>> {
    if (keyIds.length === 0) return new Set();
    const { rows } = await this.db.query<{ key_id: string }>(`SELECT key_id FROM ledger.data_keys WHERE key_id = ANY($1::text[])`, [
      keyIds,
    ]);
    return new Set(rows.map((r) => r.key_id));
  }

  /**
   * Destroys the owner's key; returns how many rows went (0 when there was none). VACUUM FULL then rewrites
   * the table into new files, so no live page keeps the deleted row's bytes (README: what an operator must
   * still purge). It runs outside any transaction and locks this small table for a moment.
   */
  async forget(owner: string): Promise<number> {
    const { rowCount } = await this.db.query(`DELETE FROM ledger.data_keys WHERE owner = $1`, [owner]);
    await this.db.query(`VACUUM FULL ledger.data_keys`);
    return rowCount ?? 0;
  }

  /**
   * Re-wraps up to `batch` keys not yet under the current master key; returns how many. Each row is its own
   * update, so a crash leaves every row wrapped under one key or the other and a rerun carries on.
   */
  async rewrapBatch(batch = 500): Promise<number> {
    const { rows } = await this.db.query<{ key_id: string; wrapped: string }>(
      `SELECT key_id, wrapped FROM ledger.data_keys WHERE master_key_id <> $1 ORDER BY key_id LIMIT $2`,
      [this.master.current, batch],
    );
    for (const row of rows) {
      const { id, key } = this.unwrap(row);
      const wrapped = encrypt(key.toString('base64url'), this.master, wrapContext(id));
      await this.db.query(
        `UPDATE ledger.data_keys SET wrapped = $2, master_key_id = $3, rewrapped_at = now() WHERE key_id = $1 AND wrapped = $4`,
        [id, wrapped, this.master.current, row.wrapped],
      );
    }
    return rows.length;
  }

  private async byOwner(owner: string): Promise<DataKey | undefined> {
    const row = await this.byOwners.submit({ value: owner, n: this.lookups++ });
    return row ? this.unwrap(row) : undefined;
  }

  /**
   * The wrapped keys of owners or key ids (both unique), one statement; a lone lookup as before. Named statements:
   * each connection plans them once (unnamed, PostgreSQL planned every lookup, and planning cost it three times the
   * index scan; pg_stat_statements under bench:system).
   */
  private async wrappedBy(column: 'owner' | 'key_id', lookups: readonly Lookup[]): Promise<{ ok: true; value: WrappedRow | undefined }[]> {
    const values = lookups.map((l) => l.value);
    const { rows } =
      values.length === 1
        ? await this.db.query<WrappedRow & { v: string }>({
            name: `data_key_by_${column}`,
            text: `SELECT key_id, wrapped, ${column} AS v FROM ledger.data_keys WHERE ${column} = $1`,
            values,
          })
        : await this.db.query<WrappedRow & { v: string }>({
            name: `data_keys_by_${column}`,
            text: `SELECT key_id, wrapped, ${column} AS v FROM ledger.data_keys WHERE ${column} = ANY($1::text[])`,
            values: [values],
          });
    const found = new Map(rows.map((r) => [r.v, { key_id: r.key_id, wrapped: r.wrapped }]));
    return values.map((v) => ({ ok: true, value: found.get(v) }));
  }

  private unwrap(row: { key_id: string; wrapped: string }): DataKey {
    return { id: row.key_id, key: Buffer.from(decrypt(row.wrapped, this.master, wrapContext(row.key_id)), 'base64url') };
  }
}

/** The data keys per master key, by master key id; undefined when this database has no data keys table (older than 1764001400000). */
export async function dataKeysByMasterKey(db: Queryable): Promise<DataKeysUnderMasterKey[] | undefined> {
  const exists = await db.query<{ t: string | null }>(`SELECT to_regclass('ledger.data_keys')::text AS t`);
  if (!exists.rows[0]?.t) return undefined;
  const { rows } = await db.query<{ master: string; n: number; sample: string }>(
    `SELECT master_key_id AS master, count(*)::int AS n, min(key_id) AS sample FROM ledger.data_keys GROUP BY 1 ORDER BY 1`,
  );
  return rows.map((r) => ({ masterKeyId: r.master, count: r.n, sampleKeyId: r.sample }));
}

/**
 * How many customer data keys are named after a customer id that is personal data (an e-mail, a `+` phone number,
 * a name with spaces): made before such ids were tokenised (issue 29, case 1). `forget` by that raw id destroys them.
 */
export async function customerKeysNamedInClear(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ledger.data_keys WHERE owner LIKE 'customer:%' AND substr(owner, 10) ~ '@|^\\+|\\s'`,
  );
  return rows[0].n;
}

/**
 * The global position of the last event stored before encryption began (`ledger.encryption_epoch`): events up to it
 * may hold personal data in plaintext and always will (the log is never rewritten); after it, none may.
 * `forUpdate` locks the row for a transaction that moves it (`ledger store rebase`). Undefined without the row.
 */
export async function lastPlaintextPosition(db: Queryable, options: { forUpdate?: boolean } = {}): Promise<bigint | undefined> {
  const { rows } = await db.query<{ last: string }>(
    `SELECT last_plaintext_position::text AS last FROM ledger.encryption_epoch${options.forUpdate ? ' FOR UPDATE' : ''}`,
  );
  return rows[0] ? BigInt(rows[0].last) : undefined;
}

/** Moves the encryption epoch to the same event in a new numbering of the log (after `ledger store rebase` re-stamps it). */
export async function moveLastPlaintextPosition(db: Queryable, position: bigint): Promise<void> {
  await db.query(`UPDATE ledger.encryption_epoch SET last_plaintext_position = $1`, [position.toString()]);
}
