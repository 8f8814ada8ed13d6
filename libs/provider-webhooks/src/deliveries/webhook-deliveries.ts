import type { Pool, PoolClient } from 'pg';
import { deleteInBatches } from '@ledger/platform';

/**
 * ledger.webhook_deliveries (migrations/1764000400000-provider-webhooks.ts): one row per webhook request a provider
 * sent, with its outcome. This lib owns it; other libs and apps ask through these functions.
 */

/** Outcomes of requests the provider cannot have sent: unsigned, or from outside its addresses. */
const UNTRUSTED = ['invalid_signature', 'forbidden_ip'];

/** Each provider's latest webhook received at or before `now` that it could have sent (a valid signature, from its addresses). */
export async function lastTrustedWebhooks(db: Pool | PoolClient, now: Date): Promise<Map<string, Date>> {
  const { rows } = await db.query<{ provider: string; heard: Date }>(
    `SELECT provider, max(received_at) AS heard FROM ledger.webhook_deliveries
      WHERE outcome <> ALL($1::text[]) AND received_at <= $2 GROUP BY provider`,
    [UNTRUSTED, now.toISOString()],
  );
  return new Map(rows.map((r) => [r.provider, r.heard]));
}

/**
 * Deliveries of the last `days` days (of one provider, when given) counted per outcome, most frequent first;
 * undefined when this database has no delivery log yet.
 */
export async function deliveryOutcomes(
  db: Pool | PoolClient,
  options: { days: number; provider?: string },
): Promise<{ outcome: string; count: number }[] | undefined> {
  const exists = await db.query<{ t: string | null }>(`SELECT to_regclass('ledger.webhook_deliveries')::text AS t`);
  if (!exists.rows[0]?.t) return undefined;
  const { rows } = await db.query<{ outcome: string; n: number }>(
    `SELECT outcome, count(*)::int AS n FROM ledger.webhook_deliveries
      WHERE received_at >= now() - make_interval(days => $1) AND ($2::text IS NULL OR provider = $2) GROUP BY 1 ORDER BY 2 DESC, 1`,
    [options.days, options.provider ?? null],
  );
  return rows.map((r) => ({ outcome: r.outcome, count: r.n }));
}

/** Deliveries received before `cutoff` (DATA_RETENTION_DAYS). */
export function purgeWebhookDeliveries(pool: Pool, cutoff: Date): Promise<number> {
  return deleteInBatches(pool, 'ledger.webhook_deliveries', 'received_at < $1', cutoff);
}
