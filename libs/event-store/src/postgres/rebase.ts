import type { PoolClient } from 'pg';
import type { Position } from '../position';

type Db = Pick<PoolClient, 'query'>;

const UNDEFINED_TABLE = '42P01';

/** Transaction ids in event_store.events against this server's counter. */
export interface ForeignHistory {
  /** The newest stored transaction id. */
  readonly storedXid: string;
  /** This server's next transaction id (pg_snapshot_xmax of a fresh snapshot). */
  readonly serverXid: string;
}

/**
 * Stored transaction ids that this server has not handed out yet can only come
 * from another server (a pg_dump/pg_restore, a COPY or a logical-replication
 * move). Such events sit above the read horizon until this server's counter
 * passes them, and anything appended meanwhile sorts before them. One index
 * probe (events_global_order, backwards): cheap enough for every start.
 */
export async function findForeignHistory(db: Db): Promise<ForeignHistory | null> {
  const { rows } = await db
    .query<{ stored: string; server: string; foreign: boolean }>(
      `SELECT e.transaction_id::text AS stored, s.xmax::text AS server, e.transaction_id >= s.xmax AS foreign
         FROM (SELECT pg_snapshot_xmax(pg_current_snapshot()) AS xmax) AS s
        CROSS JOIN LATERAL (SELECT transaction_id FROM event_store.events ORDER BY transaction_id DESC LIMIT 1) AS e`,
    )
    .catch((error: { code?: string }) => {
      // Not migrated yet: nothing stored, nothing foreign (whoever migrates or reads next says so).
      if (error.code === UNDEFINED_TABLE) return { rows: [] };
      throw error;
    });
  const row = rows[0];
  return row?.foreign ? { storedXid: row.stored, serverXid: row.server } : null;
}

export class ForeignHistoryError extends Error {
  readonly code = 'foreign_history';
  constructor(readonly found: ForeignHistory) {
    super(
      `event_store.events holds transaction ids from another PostgreSQL server (up to ${found.storedXid}; this server is at ${found.serverXid}), so its history is invisible: run \`ledger store rebase\` once, then start again`,
    );
  }
}

export interface RebasePlan {
  readonly events: number;
  /** Renumbered positions start above this one, so no new value collides with an old one mid-update. */
  readonly offset: bigint;
}

/** What the re-stamp will do; null when the store holds no foreign history. Call inside the rebase transaction. */
export async function planRebase(tx: Db): Promise<RebasePlan | null> {
  // A store that needs nothing is not locked at all.
  if (!(await findForeignHistory(tx))) return null;
  // Taken before anything is counted: any append or read waits for the commit (appends then get ids above it).
  await tx.query(`LOCK TABLE event_store.events IN ACCESS EXCLUSIVE MODE`);
  const { rows } = await tx.query<{ n: string; offset: string }>(
    `SELECT count(*)::text AS n, coalesce(max(global_position), 0)::text AS offset FROM event_store.events`,
  );
  return { events: Number(rows[0].n), offset: BigInt(rows[0].offset) };
}

/**
 * Where an old position lands after `restampHistory`: just after the last event at or before it in the
 * old order (so an "after" bound or checkpoint covers exactly the same events), or START when none is.
 * Must be called before the re-stamp, in the same transaction.
 */
export async function rebasedPosition(tx: Db, plan: RebasePlan, old: Position): Promise<Position> {
  const { rows } = await tx.query<{ n: string; xid: string }>(
    `SELECT count(*)::text AS n, pg_current_xact_id()::text AS xid FROM event_store.events
      WHERE (transaction_id, global_position) <= ($1::text::xid8, $2::bigint)`,
    [old.commit.toString(), old.prepare.toString()],
  );
  const n = BigInt(rows[0].n);
  return n === 0n ? { commit: 0n, prepare: 0n } : { commit: BigInt(rows[0].xid), prepare: plan.offset + n };
}

/** Where an old global_position alone (no transaction id) lands: after the last event, in the old order, stored at or below it. */
export async function rebasedGlobalPosition(tx: Db, plan: RebasePlan, oldGlobal: bigint): Promise<bigint> {
  const { rows } = await tx.query<{ tx: string; gp: string }>(
    `SELECT transaction_id::text AS tx, global_position::text AS gp FROM event_store.events
      WHERE global_position <= $1 ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
    [oldGlobal.toString()],
  );
  if (!rows[0]) return 0n;
  return (await rebasedPosition(tx, plan, { commit: BigInt(rows[0].tx), prepare: BigInt(rows[0].gp) })).prepare;
}

/**
 * Stamps every event with this transaction's own id and renumbers global_position
 * (offset + rank in the old (transaction_id, global_position) order), so `$all`
 * keeps the original global order and sees all of it once this commits. The
 * append-only trigger and the GENERATED ALWAYS identity are lifted for this
 * statement only, inside the transaction: nobody else ever sees them off. Needs
 * the table's owner (the migration role), never ledger_app.
 */
export async function restampHistory(tx: Db, plan: RebasePlan): Promise<{ transactionId: bigint }> {
  await tx.query(`ALTER TABLE event_store.events DISABLE TRIGGER events_append_only`);
  await tx.query(`ALTER TABLE event_store.events ALTER COLUMN global_position SET GENERATED BY DEFAULT`);
  await tx.query(
    `UPDATE event_store.events e SET transaction_id = pg_current_xact_id(), global_position = o.renumbered
       FROM (SELECT global_position AS old, $1::bigint + row_number() OVER (ORDER BY transaction_id, global_position) AS renumbered
               FROM event_store.events) AS o
      WHERE e.global_position = o.old`,
    [plan.offset.toString()],
  );
  await tx.query(`ALTER TABLE event_store.events ALTER COLUMN global_position SET GENERATED ALWAYS`);
  await tx.query(`ALTER TABLE event_store.events ENABLE TRIGGER events_append_only`);
  // After a COPY the identity's sequence may stand anywhere (pg_restore sets it, a COPY does not).
  await tx.query(
    `SELECT setval(pg_get_serial_sequence('event_store.events', 'global_position'), coalesce(max(global_position), 0) + 1, false)
       FROM event_store.events`,
  );
  const { rows } = await tx.query<{ xid: string }>(`SELECT pg_current_xact_id()::text AS xid`);
  return { transactionId: BigInt(rows[0].xid) };
}
