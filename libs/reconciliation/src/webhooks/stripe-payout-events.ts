import { deterministicUuid } from '@ledger/payments-app';
import type { EventStore } from '@ledger/event-store';
import { CURRENT_SCHEMA_VERSION } from '@ledger/payments-domain';
import { PAYOUT_STATUSES, payoutStreamId, type PayoutStatus, type PayoutStatusReported } from '../events/payout-events';
import { ReportFormatError, providerToMinor, reportCurrency } from '../formats/major-to-minor';

const TYPES: Readonly<Record<string, PayoutStatus>> = Object.fromEntries(PAYOUT_STATUSES.map((s) => [`payout.${s}`, s]));

export function isStripePayoutEvent(payload: unknown): boolean {
  return (
    typeof payload === 'object' &&
    payload !== null &&
    typeof (payload as { type?: unknown }).type === 'string' &&
    (payload as { type: string }).type in TYPES
  );
}

/**
 * A Stripe `payout.created | paid | failed | canceled | reconciliation_completed` event (docs.stripe.com/api/events/types;
 * the payout object docs.stripe.com/api/payouts/object: `id`, `amount`, `currency`, `arrival_date`, `failure_code`)
 * as the payout's status, amount in ISO minor units.
 */
export function mapStripePayoutEvent(payload: Record<string, unknown>): PayoutStatusReported['data'] {
  const status = TYPES[String(payload.type)];
  const object = (payload.data as { object?: Record<string, unknown> } | undefined)?.object;
  if (!status || !object || typeof object.id !== 'string' || typeof payload.id !== 'string')
    throw new ReportFormatError('not a Stripe payout event');
  const currency = reportCurrency(object.currency);
  const seconds = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? new Date(v * 1000).toISOString() : undefined);
  const arrivalDate = seconds(object.arrival_date);
  return {
    provider: 'stripe',
    payoutId: object.id,
    status,
    amount: providerToMinor('stripe', currency, object.amount, 'data.object.amount'),
    currency,
    ...(arrivalDate ? { arrivalDate } : {}),
    providerEventId: payload.id,
    ...(typeof object.failure_code === 'string' ? { failureCode: object.failure_code } : {}),
    reportedAt: seconds(payload.created) ?? new Date(0).toISOString(),
  };
}

/** Appends the status on the payout's stream; its id derives from the provider's event id, so a redelivery appends nothing. */
export async function recordPayoutStatus(store: EventStore, data: PayoutStatusReported['data'], actor: string): Promise<void> {
  const streamId = payoutStreamId(data.provider, data.payoutId);
  const event: PayoutStatusReported = { type: 'PayoutStatusReported', data };
  await store.appendToStream(
    streamId,
    [
      {
        eventId: deterministicUuid(streamId, 'status', data.providerEventId),
        ...event,
        metadata: { correlationId: data.providerEventId, actor, schemaVersion: CURRENT_SCHEMA_VERSION, occurredAt: data.reportedAt },
      },
    ],
    'any',
  );
}
