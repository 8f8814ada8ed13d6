import { isKnownCurrency, ledgerAmount, ProviderAmountError, type Provider } from '@ledger/payments-domain';
import { paymentIdSchema } from '@ledger/security';
import { WebhookPayloadError } from '../errors';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function objectAt(parent: Json, key: string, path: string): Json {
  const value = parent[key];
  if (!isObject(value)) throw new WebhookPayloadError(`${path}.${key}`, 'must be an object');
  return value;
}

export function optionalString(value: unknown, max = 500): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.slice(0, max) : undefined;
}

export function requiredString(parent: Json, key: string, path: string): string {
  const value = optionalString(parent[key], 255);
  if (value === undefined) throw new WebhookPayloadError(`${path}.${key}`, 'must be a non-empty string');
  return value;
}

/** An id field that may be a bare id or an expanded object (Stripe's `charge: "ch_…" | { id }`). */
export function idOf(value: unknown): string | undefined {
  if (isObject(value)) return idOf(value.id);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return optionalString(value, 255);
}

/** Integer minor units; Paystack sends some amounts as strings ("10000"). No floats, no decimals. */
function minorAmount(value: unknown, path: string): number {
  const amount = typeof value === 'string' && /^\d{1,16}$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0) {
    throw new WebhookPayloadError(path, 'must be a non-negative integer of minor units');
  }
  return amount;
}

/**
 * `parent[key]`: an amount in the currency `parent.currency` names (else the `outer` object's, as a
 * Paystack dispute's refund_amount in its transaction's currency), as the ledger's ISO 4217 minor
 * units, converted with that provider's exponent (payments-domain provider-amounts.ts: Stripe's
 * zero- and three-decimal currencies, ISK and UGX in two-decimal form; Paystack's subunits):
 * exactly, or refused (400) with why, never rounded.
 */
export function amountAt(provider: Provider, parent: Json, key: string, path: string, outer?: { object: Json; path: string }): number {
  const holder = parent.currency === undefined && outer ? outer : { object: parent, path };
  const currency = currencyCode(holder.object.currency, `${holder.path}.currency`);
  const amount = minorAmount(parent[key], `${path}.${key}`);
  try {
    return ledgerAmount(provider, currency, amount);
  } catch (error) {
    if (error instanceof ProviderAmountError) throw new WebhookPayloadError(`${path}.${key}`, `must be ${error.reason}`);
    throw error;
  }
}

/** Stripe sends `usd`; we store ISO 4217 upper case. */
export function currencyCode(value: unknown, path: string): string {
  const code = typeof value === 'string' ? value.trim().toUpperCase() : '';
  if (!isKnownCurrency(code)) throw new WebhookPayloadError(path, 'must be a known ISO 4217 currency');
  return code;
}

/** Our payment id from provider metadata, when it is one we could have issued. */
export function paymentIdFromMetadata(metadata: unknown): string | undefined {
  if (!isObject(metadata)) return undefined;
  // Own properties only, and never a card number (Paystack's metadata is decoded from a JSON string after masking).
  const id = Object.hasOwn(metadata, 'paymentId')
    ? metadata.paymentId
    : Object.hasOwn(metadata, 'payment_id')
      ? metadata.payment_id
      : undefined;
  return paymentIdSchema.safeParse(id).success ? (id as string) : undefined;
}

export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A provider timestamp: Stripe's unix seconds, or Paystack's ISO 8601 strings. Anything else is no time. */
export function providerTime(value: unknown): Date | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return new Date(value * 1000);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const at = new Date(value);
    return Number.isNaN(at.getTime()) ? undefined : at;
  }
  return undefined;
}
