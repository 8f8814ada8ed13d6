import type { PoolClient } from 'pg';
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
