import { createHash } from 'node:crypto';
import type { Provider } from '@ledger/payments-domain';
import { idOf, isObject, optionalString, type Json } from './mapping/fields';

/** Who appended a webhook-caused event, in its metadata. */
export const webhookActor = (provider: Provider): string => `webhook:${provider}`;

const bodyDigest = (rawBody: Buffer): string => `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;

/**
 * The provider's own id for a delivery: retries of one event carry the same
 * id, so it decides the event ids we append. Without one, the raw body is the
 * identity (a byte-identical retry is the same delivery).
 */
export function stripeDeliveryId(event: Json, rawBody: Buffer): string {
  const id = optionalString(event.id, 255);
  return id && /^evt_[A-Za-z0-9_]+$/.test(id) ? id : bodyDigest(rawBody);
}

export function paystackDeliveryId(event: Json, rawBody: Buffer): string {
  const type = optionalString(event.event, 128);
  const dataId = isObject(event.data) ? idOf(event.data.id) : undefined;
  return type && dataId ? `${type}:${dataId}` : bodyDigest(rawBody);
}
