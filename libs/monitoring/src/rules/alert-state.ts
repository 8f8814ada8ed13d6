import type { PoolClient } from 'pg';

/** A row of monitoring.alert_state: an open condition, or a provider's last non-healthy status. */
export interface AlertStateRow {
  readonly rule: string;
  readonly provider: string;
  readonly state: string;
  readonly windowStart: Date;
  /** The id of the raise this condition is still part of (a recovery resolves it). */
  readonly alertId: string;
  readonly lastRaisedAt: Date;
  /** When the condition was first seen clear again; null while it fires. */
  readonly clearSince: Date | null;
}

export const stateKey = (rule: string, provider: string) => `${rule}|${provider}`;

export async function loadAlertStates(tx: PoolClient, rules?: readonly string[]): Promise<Map<string, AlertStateRow>> {
  const { rows } = await tx.query<{
    rule: string;
    provider: string;
    state: string;
    window_start: Date;
    alert_id: string;
    last_raised_at: Date;
    clear_since: Date | null;
  }>(
    `SELECT rule, provider, state, window_start, alert_id, last_raised_at, clear_since FROM monitoring.alert_state
      WHERE $1::text[] IS NULL OR rule = ANY($1) FOR UPDATE`,
    [rules ?? null],
  );
  return new Map(
    rows.map((r) => [
      stateKey(r.rule, r.provider),
      {
        rule: r.rule,
        provider: r.provider,
        state: r.state,
        windowStart: r.window_start,
        alertId: r.alert_id,
        lastRaisedAt: r.last_raised_at,
        clearSince: r.clear_since,
      },
    ]),
  );
}

export async function saveAlertState(tx: PoolClient, row: AlertStateRow): Promise<void> {
  await tx.query(
    `INSERT INTO monitoring.alert_state (rule, provider, state, window_start, alert_id, last_raised_at, clear_since, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now())
     ON CONFLICT (rule, provider) DO UPDATE SET state = EXCLUDED.state, window_start = EXCLUDED.window_start,
       alert_id = EXCLUDED.alert_id, last_raised_at = EXCLUDED.last_raised_at, clear_since = EXCLUDED.clear_since, updated_at = now()`,
    [
      row.rule,
      row.provider,
      row.state,
      row.windowStart.toISOString(),
      row.alertId,
      row.lastRaisedAt.toISOString(),
      row.clearSince?.toISOString() ?? null,
    ],
  );
}

export async function clearAlertState(tx: PoolClient, rule: string, provider: string): Promise<void> {
  await tx.query(`DELETE FROM monitoring.alert_state WHERE rule = $1 AND provider = $2`, [rule, provider]);
}
