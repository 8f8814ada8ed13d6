import type { PoolClient } from 'pg';
import { PROVIDERS } from '@ledger/payments-domain';
import type { RuleReading } from '../rules/transitions';

/** Requests the provider could not have sent unsigned or from outside its allowlist do not count as hearing from it. */
const UNTRUSTED = ['invalid_signature', 'forbidden_ip'];

/**
 * provider_silent, on the wall clock: a provider has payments waiting in
 * `processing` and has sent no webhook since max(its last webhook, the oldest
 * waiting payment's start) for at least `silenceMs`. A payment that started
 * after the last webhook only counts from its own start: the provider had
 * nothing to say about it before.
 */
export async function providerSilence(tx: PoolClient, now: Date, silenceMs: number): Promise<RuleReading[]> {
  const { rows } = await tx.query<{ provider: string; waiting: string; oldest: Date | null; heard: Date | null }>(
    `WITH providers AS (
       SELECT unnest($1::text[]) AS provider
        UNION SELECT DISTINCT provider FROM read_models.payments WHERE status = 'processing')
     SELECT p.provider, w.waiting, w.oldest,
            (SELECT max(d.received_at) FROM ledger.webhook_deliveries d
              WHERE d.provider = p.provider AND d.outcome <> ALL($2::text[]) AND d.received_at <= $3) AS heard
       FROM providers p
       LEFT JOIN LATERAL (
         SELECT count(*)::text AS waiting, min(coalesce(processing_at, created_at)) AS oldest
           FROM read_models.payments WHERE provider = p.provider AND status = 'processing') w ON true`,
    [[...PROVIDERS], UNTRUSTED, now.toISOString()],
  );
  return rows.map((r) => {
    const waiting = Number(r.waiting ?? 0);
    const since = new Date(Math.max(r.oldest?.getTime() ?? now.getTime(), r.heard?.getTime() ?? 0));
    const silentMs = waiting > 0 ? Math.max(0, now.getTime() - since.getTime()) : 0;
    const minutes = Math.floor(silentMs / 60_000);
    return {
      rule: 'provider_silent',
      provider: r.provider,
      severity: 'critical',
      firing: waiting > 0 && silentMs >= silenceMs,
      value: Math.round(silentMs / 1000),
      threshold: Math.round(silenceMs / 1000),
      windowStart: since,
      windowEnd: now,
      title: `${r.provider}: no webhook for ${minutes} min while ${waiting} payment${waiting === 1 ? '' : 's'} wait in processing`,
      details: { waiting, lastWebhookAt: r.heard?.toISOString() ?? null, oldestWaitingSince: r.oldest?.toISOString() ?? null },
    };
  });
}
