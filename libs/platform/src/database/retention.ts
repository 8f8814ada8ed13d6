import type { Pool } from 'pg';

/** One owner's purge of its own table: deletes what aged out before `cutoff`, returns how many rows went. */
export type Purge = (pool: Pool, cutoff: Date) => Promise<number>;

/** Rows purged per table, by the name its purge was given. */
export type PurgeCounts = Readonly<Record<string, number>>;

/** Small batches: each DELETE is its own short transaction, so a large backlog never holds locks long. */
const BATCH = 5_000;

/**
 * What ages out of the live tables (the event log and audit trail never do):
 * whatever each owner's purge in `purges` deletes of its own table, given the
 * cutoff of `retentionDays` (DATA_RETENTION_DAYS); a table has one owner: the
 * alert worker wires idempotency records past their own expiry, webhook
 * deliveries, closed alerts and relayed outbox rows. Idempotent and safe to
 * run from several processes at once.
 */
export async function purgeExpiredData(
  pool: Pool,
  options: { retentionDays: number; now?: Date },
  purges: Readonly<Record<string, Purge>> = {},
): Promise<PurgeCounts> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.retentionDays * 86_400_000);
  const counts: Record<string, number> = {};
  for (const [name, purge] of Object.entries(purges)) counts[name] = await purge(pool, cutoff);
  return counts;
}

/** Deletes the rows of `table` matching `where` (with `$1` = `before`), a batch per statement, until none is left. */
export async function deleteInBatches(pool: Pool, table: string, where: string, before: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await pool.query(
      `DELETE FROM ${table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table} WHERE ${where} LIMIT ${BATCH}))`,
      [before],
    );
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < BATCH) return total;
  }
}
