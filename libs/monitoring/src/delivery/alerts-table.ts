import type { Pool } from 'pg';
import { deleteInBatches, withTransaction } from '@ledger/platform';
import type { AlertPayload, AlertStatus } from '../alerts/alert';

export interface StoredAlert extends AlertPayload {
  readonly status: AlertStatus;
  readonly acknowledgedAt: string | null;
  readonly acknowledgedBy: string | null;
  readonly resolvedAt: string | null;
}

/**
 * Inserts the alert once (true when this call inserted it). A recovery is
 * stored resolved and resolves the provider's open alerts of the same rule.
 */
export function recordAlert(pool: Pool, alert: AlertPayload): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    const recovered = alert.kind === 'recovered';
    const { rowCount } = await client.query(
      `INSERT INTO monitoring.alerts (id, rule, kind, severity, provider, status, title, payload, raised_at, resolved_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $6 = 'resolved' THEN now() END) ON CONFLICT (id) DO NOTHING`,
      [
        alert.id,
        alert.rule,
        alert.kind,
        alert.severity,
        alert.provider,
        recovered ? 'resolved' : 'open',
        alert.title,
        JSON.stringify(alert),
        alert.raisedAt,
      ],
    );
    if (rowCount === 1 && recovered) {
      await client.query(
        `UPDATE monitoring.alerts SET status = 'resolved', resolved_at = now()
          WHERE rule = $1 AND provider IS NOT DISTINCT FROM $2 AND kind = 'raised' AND status <> 'resolved' AND raised_at <= $3`,
        [alert.rule, alert.provider, alert.raisedAt],
      );
    }
    return rowCount === 1;
  });
}

export async function webhookDelivered(pool: Pool, id: string): Promise<boolean> {
  const { rows } = await pool.query(`SELECT 1 FROM monitoring.alerts WHERE id = $1 AND webhook_delivered_at IS NOT NULL`, [id]);
  return rows.length > 0;
}

export async function markWebhookDelivered(pool: Pool, id: string): Promise<void> {
  await pool.query(`UPDATE monitoring.alerts SET webhook_delivered_at = now() WHERE id = $1`, [id]);
}

export async function deadLetter(pool: Pool, alert: AlertPayload, sink: string, error: string, attempts: number): Promise<void> {
  await pool.query(
    `INSERT INTO monitoring.alert_dead_letters (alert_id, sink, payload, error, attempts) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (alert_id) DO UPDATE SET error = EXCLUDED.error, attempts = EXCLUDED.attempts, failed_at = now()`,
    [alert.id, sink, JSON.stringify(alert), error, attempts],
  );
}

interface AlertRow {
  payload: AlertPayload;
  status: AlertStatus;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  resolved_at: Date | null;
}
const toStored = (r: AlertRow): StoredAlert => ({
  ...r.payload,
  status: r.status,
  acknowledgedAt: r.acknowledged_at?.toISOString() ?? null,
  acknowledgedBy: r.acknowledged_by,
  resolvedAt: r.resolved_at?.toISOString() ?? null,
});
const COLUMNS = 'payload, status, acknowledged_at, acknowledged_by, resolved_at';

/** Newest first. */
export async function listAlerts(pool: Pool, filter: { status?: AlertStatus; limit?: number } = {}): Promise<StoredAlert[]> {
  const { rows } = await pool.query<AlertRow>(
    `SELECT ${COLUMNS} FROM monitoring.alerts WHERE ($1::text IS NULL OR status = $1) ORDER BY raised_at DESC, id LIMIT $2`,
    [filter.status ?? null, filter.limit ?? 100],
  );
  return rows.map(toStored);
}

export type AcknowledgeResult =
  { outcome: 'acknowledged'; alert: StoredAlert } | { outcome: 'not_found' } | { outcome: 'resolved'; alert: StoredAlert };

/** Idempotent: acknowledging twice keeps the first time and who. A resolved alert stays resolved. */
export async function acknowledgeAlert(pool: Pool, id: string, by: string): Promise<AcknowledgeResult> {
  const { rows } = await pool.query<AlertRow>(
    `UPDATE monitoring.alerts SET status = 'acknowledged', acknowledged_at = now(), acknowledged_by = $2
      WHERE id = $1 AND status = 'open' RETURNING ${COLUMNS}`,
    [id, by],
  );
  if (rows[0]) return { outcome: 'acknowledged', alert: toStored(rows[0]) };
  const existing = await pool.query<AlertRow>(`SELECT ${COLUMNS} FROM monitoring.alerts WHERE id = $1`, [id]);
  if (!existing.rows[0]) return { outcome: 'not_found' };
  const alert = toStored(existing.rows[0]);
  return alert.status === 'resolved' ? { outcome: 'resolved', alert } : { outcome: 'acknowledged', alert };
}

/** Alerts closed (acknowledged or resolved) before `cutoff` (DATA_RETENTION_DAYS); open alerts are kept whatever their age. */
export function purgeClosedAlerts(pool: Pool, cutoff: Date): Promise<number> {
  return deleteInBatches(
    pool,
    'monitoring.alerts',
    `status <> 'open' AND COALESCE(resolved_at, acknowledged_at, received_at) < $1`,
    cutoff,
  );
}
