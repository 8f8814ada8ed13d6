import { alertKey, newAlert, type AlertPayload, type AlertRule, type AlertSeverity } from '../alerts/alert';
import type { AlertStateRow } from './alert-state';
import type { HealthStatus } from './health';

/** `null` clears the state row, `undefined` leaves it as it is. */
export interface Transition {
  readonly alert?: AlertPayload;
  /** The alert this transition's raise takes over from (resolved by it, so one stays open): health only. */
  readonly superseded?: AlertPayload;
  readonly state?: AlertStateRow | null;
}

/** What any rule (windowed or timed) reports at one moment of its clock. */
export interface RuleReading {
  readonly rule: AlertRule;
  /** The provider, or null for a rule about the system itself (state rows key it as '-'). */
  readonly provider: string | null;
  readonly severity: AlertSeverity;
  readonly firing: boolean;
  readonly value: number;
  readonly threshold: number;
  readonly windowStart: Date;
  readonly windowEnd: Date;
  readonly title: string;
  readonly details: Readonly<Record<string, string | number | null>>;
}

export interface Timing {
  readonly cooldownMs: number;
  readonly recoverAfterMs: number;
}

/** Each raise has its own id: the rule, the subject and the moment it was raised (never a floored window). */
const raiseKey = (rule: string, provider: string | null, now: Date, what = 'raised') => alertKey(rule, provider, what, now.toISOString());

/**
 * Hysteresis: a condition that starts firing raises (a new id every time);
 * while it keeps firing, repeats are suppressed for the cooldown; once it stops
 * it is only "clearing", and its recovery is declared after it has stayed clear
 * for recoverAfterMs. Firing again while clearing continues the same alert, so
 * a flapping condition stays one alert; firing after a declared recovery is a
 * new raise and always pages.
 */
export function conditionTransition(c: RuleReading, open: AlertStateRow | undefined, now: Date, timing: Timing): Transition {
  const base = {
    rule: c.rule,
    provider: c.provider,
    value: c.value,
    threshold: c.threshold,
    windowEnd: c.windowEnd.toISOString(),
    raisedAt: now.toISOString(),
    details: c.details,
  };
  if (c.firing) {
    if (open && now.getTime() - open.lastRaisedAt.getTime() < timing.cooldownMs) {
      return open.clearSince ? { state: { ...open, clearSince: null } } : {};
    }
    const windowStart = c.windowStart.toISOString();
    const alert = newAlert({
      ...base,
      key: raiseKey(c.rule, c.provider, now),
      kind: 'raised',
      severity: c.severity,
      title: open ? `${c.title}, still firing` : c.title,
      windowStart,
    });
    return {
      alert,
      state: {
        rule: c.rule,
        provider: c.provider ?? '-',
        state: 'open',
        windowStart: c.windowStart,
        alertId: alert.id,
        lastRaisedAt: now,
        clearSince: null,
      },
    };
  }
  if (!open) return {};
  // recoverAfterMs 0: the rule's own reading is unambiguous (a horizon that moved), so recovery is immediate.
  if (!open.clearSince && timing.recoverAfterMs > 0) return { state: { ...open, clearSince: now } };
  if (open.clearSince && now.getTime() - open.clearSince.getTime() < timing.recoverAfterMs) return {};
  const alert = newAlert({
    ...base,
    key: alertKey(c.rule, c.provider, open.alertId, 'recovered'),
    kind: 'recovered',
    severity: 'info',
    title: `Recovered: ${c.title}`,
    windowStart: open.windowStart.toISOString(),
    resolves: open.alertId,
  });
  return { alert, state: null };
}

/**
 * A provider's health is one open alert that follows its state. Leaving healthy raises it (`stripe: health
 * degraded`); a change of kind while it is open (degraded ⇄ unhealthy) pages at once with the new state, and
 * that raise takes over from the open one, which is resolved as superseded (a `recovered` of the old id, one
 * millisecond earlier, titled as such and naming its successor) so that never two health alerts of one
 * provider are open at once; the way back to healthy is declared, like any recovery, only after recoverAfterMs
 * of health, and resolves the one open alert.
 */
export function healthTransition(
  provider: string,
  status: HealthStatus,
  previous: AlertStateRow | undefined,
  windowStart: Date,
  now: Date,
  timing: Timing,
): Transition {
  const from = (previous?.state ?? 'healthy') as HealthStatus;
  if (status === from) return previous?.clearSince ? { state: { ...previous, clearSince: null } } : {};
  const recovered = status === 'healthy';
  if (recovered && previous) {
    if (!previous.clearSince) return { state: { ...previous, clearSince: now } };
    if (now.getTime() - previous.clearSince.getTime() < timing.recoverAfterMs) return {};
  }
  const common = { rule: 'health_status' as const, provider, value: 0, threshold: 0, windowEnd: now.toISOString() };
  if (recovered && previous) {
    const alert = newAlert({
      ...common,
      key: alertKey('health_status', provider, previous.alertId, 'recovered'),
      kind: 'recovered',
      severity: 'info',
      title: `Recovered: ${provider}: health ${status} (was ${from})`,
      windowStart: previous.windowStart.toISOString(),
      raisedAt: now.toISOString(),
      resolves: previous.alertId,
      details: { from, to: status },
    });
    return { alert, state: null };
  }
  const alert = newAlert({
    ...common,
    key: raiseKey('health_status', provider, now, status),
    kind: 'raised',
    severity: 'warning',
    title: previous ? `${provider}: health ${status} (was ${from})` : `${provider}: health ${status}`,
    windowStart: (previous?.windowStart ?? windowStart).toISOString(),
    raisedAt: now.toISOString(),
    details: { from, to: status },
  });
  // Resolved "before" the raise that replaces it: a recovery resolves the provider's health alerts raised until then.
  const superseded = previous
    ? newAlert({
        ...common,
        key: alertKey('health_status', provider, previous.alertId, 'superseded'),
        kind: 'recovered',
        severity: 'info',
        title: `${provider}: health ${from} is now ${status}: continued in a new alert`,
        windowStart: previous.windowStart.toISOString(),
        raisedAt: new Date(now.getTime() - 1).toISOString(),
        resolves: previous.alertId,
        details: { from, to: status, supersededBy: alert.id },
      })
    : undefined;
  return {
    alert,
    superseded,
    state: {
      rule: 'health_status',
      provider,
      state: status,
      windowStart: previous?.windowStart ?? windowStart,
      alertId: alert.id,
      lastRaisedAt: now,
      clearSince: null,
    },
  };
}
