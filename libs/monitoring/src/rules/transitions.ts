import { alertKey, newAlert, type AlertPayload } from '../alerts/alert';
import type { AlertStateRow } from './alert-state';
import type { Condition, HealthStatus } from './conditions';

/** `null` clears the state row, `undefined` leaves it as it is. */
export interface Transition {
  readonly alert?: AlertPayload;
  readonly state?: AlertStateRow | null;
}

/**
 * Raised once when a condition starts firing, again only once the cooldown has
 * passed while it keeps firing, and one recovery when it stops.
 */
export function conditionTransition(c: Condition, open: AlertStateRow | undefined, now: Date, cooldownMs: number): Transition {
  const base = {
    rule: c.rule, provider: c.provider, value: c.value, threshold: c.threshold,
    windowEnd: c.windowEnd.toISOString(), raisedAt: now.toISOString(), details: c.details,
  };
  if (c.firing && (!open || now.getTime() - open.lastRaisedAt.getTime() >= cooldownMs)) {
    const windowStart = c.windowStart.toISOString();
    const alert = newAlert({
      ...base, key: alertKey(c.rule, c.provider, windowStart), kind: 'raised', severity: c.severity,
      title: open ? `${c.title}, still firing` : c.title, windowStart,
    });
    return { alert, state: { rule: c.rule, provider: c.provider, state: 'open', windowStart: c.windowStart, alertId: alert.id, lastRaisedAt: now } };
  }
  if (!c.firing && open) {
    const alert = newAlert({
      ...base, key: alertKey(c.rule, c.provider, open.windowStart.toISOString(), 'recovered'), kind: 'recovered', severity: 'info',
      title: `Recovered: ${c.title}`, windowStart: open.windowStart.toISOString(), resolves: open.alertId,
    });
    return { alert, state: null };
  }
  return {};
}

export function healthTransition(
  provider: string, status: HealthStatus, previous: AlertStateRow | undefined, windowStart: Date, now: Date,
): Transition {
  const from = (previous?.state ?? 'healthy') as HealthStatus;
  if (status === from) return {};
  const recovered = status === 'healthy';
  const start = recovered && previous ? previous.windowStart : windowStart;
  const alert = newAlert({
    key: alertKey('health_status', provider, start.toISOString(), status),
    rule: 'health_status', kind: recovered ? 'recovered' : 'raised', severity: recovered ? 'info' : 'warning',
    provider, title: `${provider}: health ${from} → ${status}`, value: 0, threshold: 0,
    windowStart: start.toISOString(), windowEnd: now.toISOString(), raisedAt: now.toISOString(),
    resolves: recovered ? previous?.alertId : undefined, details: { from, to: status },
  });
  if (recovered) return { alert, state: null };
  return { alert, state: { rule: 'health_status', provider, state: status, windowStart: start, alertId: alert.id, lastRaisedAt: now } };
}
