import type { Pool } from 'pg';

export interface PurgeCounts {
  readonly idempotencyRecords: number;
  readonly webhookDeliveries: number;
  readonly alerts: number;
  readonly alertOutbox: number;
}

/** Small batches: each DELETE is its own short transaction, so a large backlog never holds locks long. */
const BATCH = 5_000;

/**
 * What ages out of the live tables (the event log and audit trail never do):
 * idempotency records past their `expires_at` (IDEMPOTENCY_TTL); and, after
 * `retentionDays` (DATA_RETENTION_DAYS), webhook delivery records, alerts
 * closed (acknowledged or resolved) that long ago, and alert outbox rows
 * already relayed. Open alerts and unrelayed outbox rows are kept whatever
 * their age. Idempotent and safe to run from several processes at once.
 */
export async function purgeExpiredData(pool: Pool, options: { retentionDays: number; now?: Date }): Promise<PurgeCounts> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.retentionDays * 86_400_000);
  return {
    idempotencyRecords: await deleteInBatches(
      pool,
      `SELECT ctid FROM ledger.idempotency_keys WHERE expires_at <= $1 LIMIT ${BATCH}`,
      'ledger.idempotency_keys',
      now,
    ),
    webhookDeliveries: await deleteInBatches(
      pool,
      `SELECT ctid FROM ledger.webhook_deliveries WHERE received_at < $1 LIMIT ${BATCH}`,
      'ledger.webhook_deliveries',
      cutoff,
    ),
    alerts: await deleteInBatches(
      pool,
      `SELECT ctid FROM monitoring.alerts
        WHERE status <> 'open' AND COALESCE(resolved_at, acknowledged_at, received_at) < $1 LIMIT ${BATCH}`,
      'monitoring.alerts',
      cutoff,
    ),
    alertOutbox: await deleteInBatches(
      pool,
      `SELECT ctid FROM monitoring.alert_outbox WHERE relayed_at IS NOT NULL AND relayed_at < $1 LIMIT ${BATCH}`,
      'monitoring.alert_outbox',
      cutoff,
    ),
  };
}

async function deleteInBatches(pool: Pool, select: string, table: string, before: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await pool.query(`DELETE FROM ${table} WHERE ctid = ANY (ARRAY(${select}))`, [before]);
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < BATCH) return total;
  }
}
