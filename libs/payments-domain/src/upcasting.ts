import { InvalidAmountError, UnsupportedSchemaVersionError } from './errors';
import {
  CURRENT_SCHEMA_VERSION,
  isPaymentStream,
  isProvider,
  PROVIDERS,
  type PaymentEvent,
  type PaymentEventData,
  type PaymentEventType,
  type Provider,
} from './events';
import { currencyExponent, providerExponent } from './money';

/** What the upcaster needs of a stored event: the shape both store adapters and the audit reader hand out. */
export interface StoredEventLike {
  readonly type: string;
  readonly data: unknown;
  readonly metadata?: unknown;
}

/**
 * Where event shape evolution goes. Stored events are never rewritten: when a
 * shape changes, bump CURRENT_SCHEMA_VERSION and convert older data here, on
 * read, step by step up to the current version. A version newer than this code
 * knows is refused, so an old reader never misreads a new writer's events.
 */
export function upcast<T extends PaymentEventType>(type: T, data: unknown, schemaVersion: number): PaymentEventData<T>;
export function upcast(type: string, data: unknown, schemaVersion: number): unknown;
export function upcast(type: string, data: unknown, schemaVersion: number): unknown {
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > CURRENT_SCHEMA_VERSION) {
    throw new UnsupportedSchemaVersionError(type, schemaVersion);
  }
  return data;
}

/** The schema version a stored event was written with; events from before versioning count as 1. */
export function schemaVersionOf(stored: StoredEventLike): number {
  const version = (stored.metadata as { schemaVersion?: unknown } | undefined)?.schemaVersion;
  if (version === undefined || version === null) return 1;
  return typeof version === 'number' ? version : Number(version);
}

/** The one way every reader turns a stored event into a domain event. */
export function toPaymentEvent(stored: StoredEventLike): PaymentEvent {
  return { type: stored.type, data: upcast(stored.type, stored.data, schemaVersionOf(stored)) } as PaymentEvent;
}

/**
 * Amounts a provider reported, stored before issue 28 in the provider's own units.
 *
 * Until then a webhook amount was taken as ISO minor units whatever the provider's
 * exponent: a payment a Stripe webhook created in ISK or UGX (Stripe writes them
 * two-decimal, ISO gives 0) was booked 100 times too large, one in IQD or LYD (Stripe's
 * default two decimals, ISO's 3) 10 times too small, and a Paystack XOF or RWF payment
 * (Paystack's ×100, ISO's 0) 100 times too large. Every amount of such a payment
 * (created, captured, refunded, reported, disputed) was booked in those units, so the
 * correction is per stream, keyed on the provider and currency of its PaymentCreated:
 * a stream that provider's webhook created (`metadata.actor` `webhook:<provider>`), in a
 * currency the ledger took before issue 28 whose ISO exponent differs from that
 * provider's, has each amount of its events older than AMOUNTS_IN_ISO_SINCE brought to
 * ISO minor units on read; the log is never rewritten. A payment created through the
 * API was booked in ISO units (a provider's amount was never its book amount then), so
 * its stream is left as stored.
 *
 * Every reader folds through a StreamUpcaster (one stream: `toPaymentEvents`), and
 * CURRENT_SCHEMA_VERSION is AMOUNTS_IN_ISO_SINCE, so events written with the conversion
 * (provider-amounts.ts) are never corrected again.
 */
export const AMOUNTS_IN_ISO_SINCE = 2;

/** The closed list the ledger accepted before issue 28: no stored event is in another currency. */
const CURRENCIES_BEFORE_ISSUE_28 = new Set(
  (
    'USD EUR GBP NGN GHS KES ZAR CAD AUD CHF INR BRL MXN SEK NOK DKK PLN CNY HKD SGD NZD EGP MAD TZS AED SAR TRY CZK HUF ILS ' +
    'JPY KRW VND CLP ISK UGX XOF XAF RWF PYG KWD BHD JOD OMR TND LYD IQD'
  ).split(' '),
);

const AMOUNT_FIELDS = ['amount', 'counted', 'totalRefunded', 'reportedTotal', 'recordedTotal'] as const;

/** How one stream's old amounts become ISO minor units: times `multiply`, or divided (exactly) by `divide`. */
export interface ProviderUnitsCorrection {
  readonly provider: Provider;
  readonly currency: string;
  readonly multiply: bigint;
  readonly divide: bigint;
}

/** The correction a stream needs, decided by its stored PaymentCreated; undefined when its amounts are ISO already. */
export function providerUnitsCorrection(created: StoredEventLike): ProviderUnitsCorrection | undefined {
  if (created.type !== 'PaymentCreated' || schemaVersionOf(created) >= AMOUNTS_IN_ISO_SINCE) return undefined;
  const { provider, currency } = (created.data ?? {}) as { provider?: unknown; currency?: unknown };
  const actor = (created.metadata as { actor?: unknown } | undefined)?.actor;
  if (!isProvider(provider) || typeof currency !== 'string' || actor !== `webhook:${provider}`) return undefined;
  if (!CURRENCIES_BEFORE_ISSUE_28.has(currency)) return undefined;
  const shift = currencyExponent(currency) - providerExponent(provider, currency).exponent;
  if (shift === 0) return undefined;
  return { provider, currency, multiply: 10n ** BigInt(Math.max(shift, 0)), divide: 10n ** BigInt(Math.max(-shift, 0)) };
}

/** One stored event of a corrected stream, its amounts in ISO minor units; exact, or refused loudly (never rounded). */
export function correctProviderUnits(stored: StoredEventLike, correction: ProviderUnitsCorrection): StoredEventLike {
  if (schemaVersionOf(stored) >= AMOUNTS_IN_ISO_SINCE) return stored;
  const data = stored.data as Record<string, unknown> | null;
  if (typeof data !== 'object' || data === null || data.currency !== correction.currency) return stored;
  const corrected: Record<string, unknown> = { ...data };
  for (const field of AMOUNT_FIELDS) {
    const value = data[field];
    if (typeof value !== 'number') continue;
    const scaled = BigInt(value) * correction.multiply;
    if (scaled % correction.divide !== 0n) {
      throw new InvalidAmountError(
        value,
        `a multiple of ${correction.divide}: ${stored.type}.${field} was stored in ${correction.provider}'s ${correction.currency} units and has no exact ISO value`,
      );
    }
    corrected[field] = Number(scaled / correction.divide);
  }
  return { ...stored, data: corrected };
}

/** What a reader shows beside a corrected event: the provider and currency, and the changed fields as stored. */
export interface ProviderUnitsCorrectionView {
  readonly kind: 'provider_units';
  readonly provider: Provider;
  readonly currency: string;
  /** The stored values of the fields the correction changed (the stored event itself is never rewritten). */
  readonly stored: Readonly<Record<string, number>>;
}

/** Currencies in which some stream may need a correction: only their streams are remembered. */
const CORRECTABLE_CURRENCIES = new Set(
  [...CURRENCIES_BEFORE_ISSUE_28].filter((currency) =>
    PROVIDERS.some((provider) => currencyExponent(currency) !== providerExponent(provider, currency).exponent),
  ),
);

/**
 * Reads stored events in order (one stream, or the whole log in global order),
 * correcting each stream that needs it. It remembers only the streams of the
 * correctable currencies it has seen created.
 */
export class StreamUpcaster {
  private readonly decided = new Map<string, ProviderUnitsCorrection | null>();

  read(stored: StoredEventLike & { readonly streamId: string }): PaymentEvent {
    return toPaymentEvent(this.corrected(stored));
  }

  /** The stored event with its amounts in ISO minor units (everything else as stored), and what was changed. */
  corrected<E extends StoredEventLike & { readonly streamId: string }>(stored: E): E & { correction?: ProviderUnitsCorrectionView } {
    if (stored.type === 'PaymentCreated') this.learn(stored);
    const correction = this.decided.get(stored.streamId);
    if (!correction) return stored;
    const fixed = correctProviderUnits(stored, correction);
    if (fixed === stored) return stored;
    const before = stored.data as Record<string, unknown>;
    const after = fixed.data as Record<string, unknown>;
    const changed = Object.fromEntries(AMOUNT_FIELDS.filter((f) => before[f] !== after[f]).map((f) => [f, before[f] as number]));
    const { provider, currency } = correction;
    return { ...stored, data: fixed.data, correction: { kind: 'provider_units', provider, currency, stored: changed } };
  }

  /** Decides a stream's correction from its stored PaymentCreated (a reader that starts mid-log looks it up first). */
  learn(created: StoredEventLike & { readonly streamId: string }): void {
    if (created.type !== 'PaymentCreated' || schemaVersionOf(created) >= AMOUNTS_IN_ISO_SINCE) return;
    const currency = (created.data as { currency?: unknown } | null)?.currency;
    if (typeof currency !== 'string' || !CORRECTABLE_CURRENCIES.has(currency)) return;
    this.decided.set(created.streamId, providerUnitsCorrection(created) ?? null);
  }

  /** A stored event a correction may concern whose stream's PaymentCreated this reader has not seen: `learn` it first. */
  unknownStream(stored: StoredEventLike & { readonly streamId: string }): boolean {
    if (stored.type === 'PaymentCreated' || schemaVersionOf(stored) >= AMOUNTS_IN_ISO_SINCE) return false;
    const currency = (stored.data as { currency?: unknown } | null)?.currency;
    return typeof currency === 'string' && CORRECTABLE_CURRENCIES.has(currency) && !this.decided.has(stored.streamId);
  }

  /**
   * Before a batch of the log is read: learns its PaymentCreated events, and reads from `store` the PaymentCreated of
   * each payment stream it names that this reader has not seen (a batch that starts mid-stream). Without a store,
   * only what the batch holds is learnt.
   */
  async learnStreams(events: readonly StoredStreamEvent[], store?: CreationSource): Promise<void> {
    for (const event of events) {
      if (!isPaymentStream(event.streamId)) continue;
      if (event.type === 'PaymentCreated') this.learn(event);
      else if (store && this.unknownStream(event)) {
        const [created] = await store.readStream(event.streamId, { maxCount: 1 });
        if (created) this.learn(created);
      }
    }
  }
}

type StoredStreamEvent = StoredEventLike & { readonly streamId: string };

/** Where a stream's first event is read from (structurally the event store's readStream). */
interface CreationSource {
  readStream(streamId: string, options: { maxCount: number }): Promise<readonly StoredStreamEvent[]>;
}

/** One stream's stored events, in order, as domain events with any correction applied. */
export function toPaymentEvents(history: readonly StoredEventLike[]): PaymentEvent[] {
  const upcaster = new StreamUpcaster();
  return history.map((stored) => upcaster.read({ ...stored, streamId: 'stream' }));
}
