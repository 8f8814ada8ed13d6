import type { RecordedEvent } from '@ledger/event-store';
import type { PaymentEventData } from '@ledger/payments-domain';
import { alertKey, newAlert, type AlertPayload } from '../alerts/alert';

/**
 * One `fraud_velocity` alert per trip of a velocity rule (CONTRACT.md › "Fraud velocity"), however many payments
 * the trip flags: the key is the trip's id, and the outbox keeps one alert per key. A flag is news when the ledger
 * records it (the caller passes the events recorded within the replay horizon), so a rebuild, which appends
 * nothing, pages no one.
 */
export function fraudVelocityTrips(events: readonly RecordedEvent[], providerOf: ReadonlyMap<string, string>, now: Date): AlertPayload[] {
  const trips = new Map<string, { data: PaymentEventData<'PaymentFraudFlagged'>; flagged: Set<string> }>();
  for (const e of events) {
    if (e.type !== 'PaymentFraudFlagged') continue;
    const data = e.data as PaymentEventData<'PaymentFraudFlagged'>;
    if (data.rule === undefined || data.tripId === undefined) continue;
    const trip = trips.get(data.tripId) ?? { data, flagged: new Set<string>() };
    trip.flagged.add(data.paymentId);
    trips.set(data.tripId, trip);
  }
  return [...trips.entries()].map(([tripId, { data, flagged }]) => {
    const paymentIds = data.paymentIds ?? [data.paymentId];
    const provider = providerOf.get(data.paymentId) ?? null;
    return newAlert({
      key: alertKey('fraud_velocity', tripId),
      rule: 'fraud_velocity',
      kind: 'raised',
      severity: 'critical',
      provider,
      title: `fraud velocity: ${data.rule} tripped (${data.count} in ${data.window}, threshold ${data.threshold}): ${paymentIds.length} payment(s) flagged`,
      value: data.count ?? 0,
      threshold: data.threshold ?? 0,
      windowStart: data.flaggedAt,
      windowEnd: data.flaggedAt,
      raisedAt: now.toISOString(),
      details: {
        rule: data.rule ?? null,
        tripId,
        window: data.window ?? null,
        paymentIds: paymentIds.join(' '),
        flaggedInBatch: flagged.size,
      },
    });
  });
}
