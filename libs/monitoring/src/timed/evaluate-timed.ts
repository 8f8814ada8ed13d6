import type { Pool, PoolClient } from 'pg';
import type { AlertPayload } from '../alerts/alert';
import { writeToOutbox } from '../outbox/alert-outbox';
import type { AlertSettings } from '../rules/alert-settings';
import { clearAlertState, loadAlertStates, saveAlertState, stateKey } from '../rules/alert-state';
import { conditionTransition, type RuleReading } from '../rules/transitions';
import { projectionStallReading, type ReadProjectionProgress } from './projection-stall';
import { providerSilence, type SilenceReads } from './provider-silence';

/** A rule that watches for something that did not happen: it needs a clock, not a batch. */
export interface TimedRule {
  readonly read: (tx: PoolClient, now: Date, settings: AlertSettings) => Promise<RuleReading[]>;
  /** Recovery declared at the first clear reading instead of after ALERT_RECOVER_AFTER. */
  readonly recoversAtOnce?: boolean;
}

/** provider_silent over what `reads` reports of the waiting payments and the webhooks heard. */
export function providerSilentRule(reads: SilenceReads): TimedRule {
  return { read: (tx, now, s) => providerSilence(tx, now, s.providerSilenceMs, reads) };
}

/**
 * projection_stalled over every projection `read` reports (the registry's, read through @ledger/projections:
 * monitoring runs no SQL on the projections' tables). A stall ends when every checkpoint moves or catches up:
 * nothing to debounce, and the operator wants to know at once.
 */
export function projectionStalledRule(read: ReadProjectionProgress): TimedRule {
  return { read: async (_tx, now, s) => [projectionStallReading(await read(now), now, s.stallAfterMs)], recoversAtOnce: true };
}

/** What the timed rules read of other owners' tables: the alert worker wires @ledger/projections' and @ledger/provider-webhooks' reads. */
export interface TimedReads extends SilenceReads {
  readonly projectionProgress: ReadProjectionProgress;
}

/** Every timed rule. */
export function timedRules(reads: TimedReads): Readonly<Record<string, TimedRule>> {
  return { provider_silent: providerSilentRule(reads), projection_stalled: projectionStalledRule(reads.projectionProgress) };
}

/** One ticker at a time across every worker: the tick is skipped, not queued, when another holds it. */
const TICK_LOCK = 'monitoring:timed-rules';

/**
 * One tick of the timed rules, on the wall clock `now`, in one transaction:
 * readings → the same hysteresis as the batch rules → outbox. Returns the
 * alerts written, or undefined when another worker's tick is running.
 */
export async function evaluateTimedRules(
  pool: Pool,
  settings: AlertSettings,
  rules: Readonly<Record<string, TimedRule>>,
  now = new Date(),
): Promise<AlertPayload[] | undefined> {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    const {
      rows: [lock],
    } = await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok`, [TICK_LOCK]);
    if (!lock.ok) {
      await tx.query('ROLLBACK');
      return undefined;
    }
    // Every reading before the first row lock (loadAlertStates is FOR UPDATE): a lock gives this transaction an id,
    // which holds the read horizon, and the stall rule would see itself. The stall reading runs on other pooled
    // connections, while this transaction still has none.
    const readings: [RuleReading, TimedRule][] = [];
    for (const rule of Object.values(rules)) for (const reading of await rule.read(tx, now, settings)) readings.push([reading, rule]);
    const states = await loadAlertStates(tx, Object.keys(rules));
    const alerts: AlertPayload[] = [];
    for (const [reading, rule] of readings) {
      const subject = reading.provider ?? '-';
      const timing = rule.recoversAtOnce ? { ...settings, recoverAfterMs: 0 } : settings;
      const { alert, state } = conditionTransition(reading, states.get(stateKey(reading.rule, subject)), now, timing);
      if (alert) alerts.push(alert);
      if (state === null) await clearAlertState(tx, reading.rule, subject);
      else if (state) await saveAlertState(tx, state);
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
