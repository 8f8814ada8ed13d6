import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@ledger/event-store';
import { PROVIDERS, type MismatchSide, type PaymentEventData } from '@ledger/payments-domain';
import { alertKey, newAlert, type AlertPayload } from '../alerts/alert';
import { writeToOutbox } from '../outbox/alert-outbox';
import { thresholdsFor, type AlertSettings } from './alert-settings';
import { clearAlertState, loadAlertStates, saveAlertState, stateKey } from './alert-state';
import { evaluateConditions } from './conditions';
import { formatAmount } from './format-amount';
import { fraudVelocityTrips } from './fraud-velocity';
import type { ReadModels } from './health-windows';
import { conditionTransition, healthTransition, type Transition } from './transitions';

/** `live: false` marks a batch as history (nothing pages); `now` only for tests. */
export interface BatchOptions {
  readonly live: boolean;
  readonly now?: Date;
}

export type AlertHook = (tx: PoolClient, events: readonly RecordedEvent[]) => Promise<void>;

function occurredAt(event: RecordedEvent): number {
  const at = Date.parse(String((event.metadata as { occurredAt?: unknown }).occurredAt ?? ''));
  return Number.isNaN(at) ? event.recordedAt.getTime() : at;
}

/** Replays are silent: a batch whose newest event is older than the horizon is history, not news. */
export function isLiveBatch(events: readonly RecordedEvent[], now: Date, horizonMs: number): boolean {
  if (events.length === 0) return false;
  return now.getTime() - Math.max(...events.map(occurredAt)) <= horizonMs;
}

/**
 * The windowed rules' clock is event time: the newest occurredAt of the batch,
 * never past the wall clock (a client's skewed timestamp cannot age a window).
 * Windows, cooldowns and ALERT_RECOVER_AFTER are all measured on it, so a
 * replayed or load-tested workload alerts as it would have live.
 */
export function eventClock(events: readonly RecordedEvent[], wall: Date): Date {
  if (events.length === 0) return wall;
  return new Date(Math.min(wall.getTime(), Math.max(...events.map(occurredAt))));
}

/** Rules evaluated on each batch; the timed rules (provider_silent, projection_stalled) keep their own state rows. */
const BATCH_RULES = ['failure_rate', 'processing_time', 'fraud_flags', 'health_status'];

/**
 * The projector's onBatch hook: evaluates every rule after the batch's read-model writes, in its transaction,
 * reading the read models through `readModels`. The live runner calls it, and so does a rebuild for the events
 * it reads past the live checkpoint; the replay horizon keeps history silent, whoever replays it.
 */
export function createAlertHook(settings: AlertSettings, readModels: ReadModels): AlertHook {
  return async (tx, events) => {
    await evaluateAlerts(tx, events, { live: true }, settings, readModels);
  };
}

export async function evaluateAlerts(
  tx: PoolClient,
  events: readonly RecordedEvent[],
  batch: BatchOptions,
  settings: AlertSettings,
  readModels: ReadModels,
): Promise<AlertPayload[]> {
  const wall = batch.now ?? new Date();
  if (!batch.live) return [];
  // A mismatch is news when the ledger records it, however old the provider's fact (a delivery retried for days):
  // judged on recordedAt, so a replay of old events stays silent all the same.
  const recorded = events.filter((e) => wall.getTime() - e.recordedAt.getTime() <= settings.replayHorizonMs);
  const mismatches = [
    ...(await providerMismatches(tx, recorded, readModels, wall)),
    ...(await velocityTrips(tx, recorded, readModels, wall)),
  ];
  if (!isLiveBatch(events, wall, settings.replayHorizonMs)) {
    await writeToOutbox(tx, mismatches);
    return mismatches;
  }
  const now = eventClock(events, wall);
  const alerts = [...suspiciousAmounts(events, settings, wall), ...(await refundMismatches(tx, events, readModels, wall)), ...mismatches];
  const activity = await readModels.healthMinutes(tx, now, settings);
  const states = await loadAlertStates(tx, BATCH_RULES);
  const providers = new Set<string>([...PROVIDERS, ...activity.map((r) => r.provider)]);
  for (const provider of providers) {
    const t = thresholdsFor(settings, provider);
    const { health, conditions } = evaluateConditions(provider, activity, t, now);
    const transitions: [string, Transition][] = conditions.map((c) => [
      c.rule,
      conditionTransition(c, states.get(stateKey(c.rule, provider)), now, settings),
    ]);
    const previous = states.get(stateKey('health_status', provider));
    transitions.push(['health_status', healthTransition(provider, health.status, previous, health.failure.windowStart, now, settings)]);
    for (const [rule, { alert, superseded, state }] of transitions) {
      if (superseded) alerts.push(superseded);
      if (alert) alerts.push(alert);
      if (state === null) await clearAlertState(tx, rule, provider);
      else if (state) await saveAlertState(tx, state);
    }
  }
  await writeToOutbox(tx, alerts);
  return alerts;
}

function suspiciousAmounts(events: readonly RecordedEvent[], settings: AlertSettings, now: Date): AlertPayload[] {
  const alerts: AlertPayload[] = [];
  for (const event of events) {
    if (event.type !== 'PaymentCreated') continue;
    const data = event.data as PaymentEventData<'PaymentCreated'>;
    const threshold = settings.suspiciousAmounts[data.currency];
    if (threshold === undefined || data.amount <= threshold) continue;
    alerts.push(
      newAlert({
        key: alertKey('suspicious_amount', data.paymentId),
        rule: 'suspicious_amount',
        kind: 'raised',
        severity: 'warning',
        provider: data.provider,
        title: `${data.provider}: payment ${data.paymentId} of ${formatAmount(data.amount, data.currency)} needs manual review`,
        value: data.amount,
        threshold,
        windowStart: data.createdAt,
        windowEnd: data.createdAt,
        raisedAt: now.toISOString(),
        details: { paymentId: data.paymentId, currency: data.currency },
      }),
    );
  }
  return alerts;
}

/**
 * The recorded refunds exceed what the provider's own cumulative report says: the ledger does not guess
 * which refund was recorded twice, a person does. One alert per report that disagrees.
 */
async function refundMismatches(
  tx: PoolClient,
  events: readonly RecordedEvent[],
  readModels: ReadModels,
  now: Date,
): Promise<AlertPayload[]> {
  const mismatches = events.filter((e) => e.type === 'PaymentRefundMismatch');
  if (mismatches.length === 0) return [];
  const ids = mismatches.map((e) => (e.data as PaymentEventData<'PaymentRefundMismatch'>).paymentId);
  const providerOf = await readModels.paymentProviders(tx, ids);
  return mismatches.map((e) => {
    const data = e.data as PaymentEventData<'PaymentRefundMismatch'>;
    const provider = providerOf.get(data.paymentId) ?? null;
    return newAlert({
      key: alertKey('refund_mismatch', data.paymentId, e.eventId),
      rule: 'refund_mismatch',
      kind: 'raised',
      severity: 'warning',
      provider,
      title: `payment ${data.paymentId}: ${formatAmount(data.recordedTotal, data.currency)} recorded as refunded, the provider reports ${formatAmount(data.reportedTotal, data.currency)}`,
      value: data.recordedTotal,
      threshold: data.reportedTotal,
      windowStart: data.detectedAt,
      windowEnd: data.detectedAt,
      raisedAt: now.toISOString(),
      details: { paymentId: data.paymentId, currency: data.currency },
    });
  });
}

async function velocityTrips(tx: PoolClient, events: readonly RecordedEvent[], readModels: ReadModels, now: Date): Promise<AlertPayload[]> {
  const flags = events.filter((e) => e.type === 'PaymentFraudFlagged' && (e.data as { tripId?: unknown }).tripId !== undefined);
  if (flags.length === 0) return [];
  const providerOf = await readModels.paymentProviders(tx, [...new Set(flags.map((e) => (e.data as { paymentId: string }).paymentId))]);
  return fraudVelocityTrips(flags, providerOf, now);
}

const sideOf = (side: MismatchSide): string =>
  side.amount !== undefined && side.currency ? formatAmount(side.amount, side.currency) : (side.currency ?? 'nothing');

/**
 * A provider fact that contradicts the books (PaymentProviderMismatch): another amount or currency, a second object
 * under one provider event id, a refund or dispute that cannot be placed. Exactly one alert per mismatch: the event
 * is appended once per fact, and the alert's key is the event's id.
 */
async function providerMismatches(
  tx: PoolClient,
  events: readonly RecordedEvent[],
  readModels: ReadModels,
  now: Date,
): Promise<AlertPayload[]> {
  const mismatches = events.filter((e) => e.type === 'PaymentProviderMismatch');
  if (mismatches.length === 0) return [];
  const ids = mismatches.map((e) => (e.data as PaymentEventData<'PaymentProviderMismatch'>).paymentId);
  const providerOf = await readModels.paymentProviders(tx, ids);
  return mismatches.map((e) => {
    const data = e.data as PaymentEventData<'PaymentProviderMismatch'>;
    const provider = providerOf.get(data.paymentId) ?? null;
    const held = data.holds ? ', held for review' : '';
    return newAlert({
      key: alertKey('provider_mismatch', data.paymentId, e.eventId),
      rule: 'provider_mismatch',
      kind: 'raised',
      severity: 'critical',
      provider,
      title: `payment ${data.paymentId}: the provider reports ${sideOf(data.provider)} (${data.subject}, ${data.kind}), the books say ${sideOf(data.ours)}${held}`,
      value: data.provider.amount ?? 0,
      threshold: data.ours.amount ?? 0,
      windowStart: data.detectedAt,
      windowEnd: data.detectedAt,
      raisedAt: now.toISOString(),
      details: {
        paymentId: data.paymentId,
        mismatchId: data.mismatchId,
        subject: data.subject,
        kind: data.kind,
        ourCurrency: data.ours.currency ?? null,
        providerCurrency: data.provider.currency ?? null,
        references: (data.provider.references ?? []).join(' '),
      },
    });
  });
}
