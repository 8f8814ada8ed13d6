import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { AlertTicker, alertSettingsFromConfig, timedRules } from '@ledger/monitoring';
import { fraudManagerStatus } from '@ledger/fraud';
import { LEDGER_CONFIG, PG_POOL, type LedgerConfig } from '@ledger/platform';
import { projectionStatus, waitingPayments } from '@ledger/projections';
import { lastTrustedWebhooks } from '@ledger/provider-webhooks';
import { RepeatCollapser } from '@ledger/security';
import { ALERT_LOGGER } from './tokens';

/**
 * The timed rules' clock (provider_silent, projection_stalled); one tick at a time across workers (advisory lock).
 * Each rule reads other owners' tables through their libs: projection_stalled every projection of the registry
 * (`projectionStatus` of @ledger/projections: checkpoints, lag against the true head, the read horizon, on this
 * app's pool and event store); provider_silent the payments waiting in processing (@ledger/projections) and the
 * last trusted webhook of each provider (@ledger/provider-webhooks). A tick that keeps failing (the database
 * away) is one warning, then one `N more like this` line a minute.
 */
@Injectable()
export class TickerService implements OnModuleInit, OnModuleDestroy {
  private readonly ticker: AlertTicker;

  constructor(
    @Inject(PG_POOL) pool: Pool,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
    @Inject(ALERT_LOGGER) logger: Logger,
  ) {
    const rules = timedRules({
      // The fraud-velocity process manager's checkpoint too (libs/fraud): its stall is a projection_stalled alert.
      projectionProgress: async (now) => [...(await projectionStatus(pool, store, now)), await fraudManagerStatus(pool, store, now)],
      waitingPayments,
      lastWebhooks: lastTrustedWebhooks,
    });
    const repeats = new RepeatCollapser(logger, { intervalMs: Math.max(60_000, 3 * config.ALERT_TICK_INTERVAL) });
    this.ticker = new AlertTicker(pool, alertSettingsFromConfig(config), config.ALERT_TICK_INTERVAL, rules, (error) =>
      repeats.log('warn', `ticker|${error.message}`, 'timed alert rules failed; next tick retries', { error: error.message }),
    );
  }

  onModuleInit(): void {
    this.ticker.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.ticker.stop();
  }
}
