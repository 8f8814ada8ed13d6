import type { PoolClient } from 'pg';
import { PROVIDERS } from '@ledger/payments-domain';
import type { RuleReading } from '../rules/transitions';

/** One provider's payments waiting in `processing` (read by @ledger/projections from read_models.payments). */
export interface WaitingPayments {
  readonly provider: string;
  readonly waiting: number;
  /** When the oldest of them started processing (or was created, if it never reported processing). */
  readonly oldest: Date;
}

/**
 * What provider_silent reads, each from the tables' owner, wired in by the alert worker: the waiting payments
 * from @ledger/projections, the last webhook each provider sent that we can trust from @ledger/provider-webhooks.
 * Both run in the tick's transaction.
 */
export interface SilenceReads {
  readonly waitingPayments: (tx: PoolClient) => Promise<readonly WaitingPayments[]>;
  /** Each provider's latest trusted webhook received at or before `now`. */
  readonly lastWebhooks: (tx: PoolClient, now: Date) => Promise<ReadonlyMap<string, Date>>;
}

/**
 * provider_silent, on the wall clock: a provider has payments waiting in
 * `processing` and has sent no webhook since max(its last webhook, the oldest
 * waiting payment's start) for at least `silenceMs`. A payment that started
 * after the last webhook only counts from its own start: the provider had
 * nothing to say about it before.
 */
export async function providerSilence(tx: PoolClient, now: Date, silenceMs: number, reads: SilenceReads): Promise<RuleReading[]> {
  const waiting = new Map((await reads.waitingPayments(tx)).map((w) => [w.provider, w]));
  const heardFrom = await reads.lastWebhooks(tx, now);
  const providers = [...new Set<string>([...PROVIDERS, ...waiting.keys()])];
  return providers.map((provider) => {
    const count = waiting.get(provider)?.waiting ?? 0;
    const oldest = waiting.get(provider)?.oldest ?? null;
    const heard = heardFrom.get(provider) ?? null;
    const since = new Date(Math.max(oldest?.getTime() ?? now.getTime(), heard?.getTime() ?? 0));
    const silentMs = count > 0 ? Math.max(0, now.getTime() - since.getTime()) : 0;
    const minutes = Math.floor(silentMs / 60_000);
    return {
      rule: 'provider_silent',
      provider,
      severity: 'critical',
      firing: count > 0 && silentMs >= silenceMs,
      value: Math.round(silentMs / 1000),
      threshold: Math.round(silenceMs / 1000),
      windowStart: since,
      windowEnd: now,
      title: `${provider}: no webhook for ${minutes} min while ${count} payment${count === 1 ? '' : 's'} wait in processing`,
      details: { waiting: count, lastWebhookAt: heard?.toISOString() ?? null, oldestWaitingSince: oldest?.toISOString() ?? null },
    };
  });
}
