import type { Pool, PoolClient } from 'pg';
import type { AlertPayload } from '../alerts/alert';
import { writeToOutbox } from '../outbox/alert-outbox';
import type { AlertSettings } from '../rules/alert-settings';
import { clearAlertState, loadAlertStates, saveAlertState, stateKey } from '../rules/alert-state';
import { conditionTransition, type RuleReading } from '../rules/transitions';
import { providerSilence } from './provider-silence';

/** A rule that watches for something that did not happen: it needs a clock, not a batch. */
export type TimedRule = (tx: PoolClient, now: Date, settings: AlertSettings) => Promise<RuleReading[]>;

export const TIMED_RULES: Readonly<Record<string, TimedRule>> = {
  provider_silent: (tx, now, s) => providerSilence(tx, now, s.providerSilenceMs),
};

/** One ticker at a time across every worker: the tick is skipped, not queued, when another holds it. */
const TICK_LOCK = 'monitoring:timed-rules';

/**
 * One tick of the timed rules, on the wall clock `now`, in one transaction:
 * readings → the same hysteresis as the batch rules → outbox. Returns the
 * alerts written, or undefined when another worker's tick is running.
 */
export async function evaluateTimedRules(
  pool: Pool, settings: AlertSettings, now = new Date(), rules: Readonly<Record<string, TimedRule>> = TIMED_RULES,
): Promise<AlertPayload[] | undefined> {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    const { rows: [lock] } = await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok`, [TICK_LOCK]);
    if (!lock.ok) {
      await tx.query('ROLLBACK');
      return undefined;
    }
    const states = await loadAlertStates(tx, Object.keys(rules));
    const alerts: AlertPayload[] = [];
    for (const rule of Object.values(rules)) {
      for (const reading of await rule(tx, now, settings)) {
        const { alert, state } = conditionTransition(reading, states.get(stateKey(reading.rule, reading.provider)), now, settings);
        if (alert) alerts.push(alert);
        if (state === null) await clearAlertState(tx, reading.rule, reading.provider);
        else if (state) await saveAlertState(tx, state);
      }
    }
    await writeToOutbox(tx, alerts);
    await tx.query('COMMIT');
    return alerts;
  } catch (error) {
    await tx.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    tx.release();
  }
}
