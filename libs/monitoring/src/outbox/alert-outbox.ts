import type { Pool, PoolClient } from 'pg';
import { deleteInBatches } from '@ledger/platform';
import type { AlertPayload } from '../alerts/alert';

/**
 * Writes alerts in the caller's transaction. The job id is the alert id, so
 * writing the same alert twice (a retried batch, two API instances) keeps one.
 */
export async function writeToOutbox(tx: Pick<PoolClient, 'query'>, alerts: readonly AlertPayload[]): Promise<void> {
  if (alerts.length === 0) return;
  await tx.query(
    `INSERT INTO monitoring.alert_outbox (job_id, payload)
     SELECT * FROM unnest($1::text[], $2::jsonb[]) ON CONFLICT (job_id) DO NOTHING`,
    [alerts.map((a) => a.id), alerts.map((a) => JSON.stringify(a))],
  );
}

/** Alerts raised so far (outbox rows of kind `raised`), by rule and severity. */
export async function raisedAlertCounts(db: Pick<PoolClient, 'query'>): Promise<{ rule: string; severity: string; count: number }[]> {
  const { rows } = await db.query<{ rule: string; severity: string; n: number }>(
    `SELECT payload->>'rule' AS rule, payload->>'severity' AS severity, count(*)::int AS n
       FROM monitoring.alert_outbox WHERE payload->>'kind' = 'raised' GROUP BY 1, 2`,
  );
  return rows.map((r) => ({ rule: r.rule, severity: r.severity, count: r.n }));
}

/** Alerts written and not yet relayed to the queue. */
export async function unrelayedAlertCount(db: Pick<PoolClient, 'query'>): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM monitoring.alert_outbox WHERE relayed_at IS NULL`);
  return rows[0].n;
}

/** Outbox rows relayed before `cutoff` (DATA_RETENTION_DAYS); unrelayed rows are kept whatever their age. */
export function purgeRelayedOutbox(pool: Pool, cutoff: Date): Promise<number> {
  return deleteInBatches(pool, 'monitoring.alert_outbox', 'relayed_at IS NOT NULL AND relayed_at < $1', cutoff);
}
