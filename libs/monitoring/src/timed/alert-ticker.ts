import type { Pool } from 'pg';
import type { AlertSettings } from '../rules/alert-settings';
import { evaluateTimedRules, type TimedRule } from './evaluate-timed';

/**
 * Runs the timed rules every `intervalMs` (ALERT_TICK_INTERVAL). Batch rules
 * only run when events arrive; silence and stalls are exactly when none do.
 * Hosted by the alert worker, which relays the outbox it writes to; `rules` is
 * `timedRules(reads)`, other owners' tables read through their libs.
 */
export class AlertTicker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly pool: Pool,
    private readonly settings: AlertSettings,
    private readonly intervalMs: number,
    private readonly rules: Readonly<Record<string, TimedRule>>,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  start(): void {
    const tick = () => {
      this.running = evaluateTimedRules(this.pool, this.settings, this.rules)
        .catch((error: Error) => this.onError(error))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    this.timer = setTimeout(tick, this.intervalMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
