import { InvalidAmountError, UnknownCurrencyError } from './errors';
import type { Provider } from './events';
import { providerExponent } from './provider-amounts';

export { providerExponent, type ProviderExponent } from './provider-amounts';

/**
 * ISO 4217 minor-unit exponents: 1999 USD is 19.99, 1999 JPY is 1999, 1999 KWD is 1.999.
 *
 * Every active ISO 4217 currency, from ISO's list one (the `currency-codes` npm
 * package ships it, published 2024-06-25; money.spec.ts checks this table
 * against that package, so a newer package that changes the list fails loudly
 * instead of silently re-reading stored amounts), less:
 * - funds codes (ISO marks them IsFund: BOV, CHE, CHW, CLF, COU, MXV, USN, UYI,
 *   UYW): units of account, never a payment's currency;
 * - codes without minor units ("N.A." in ISO's list: gold XAU, silver XAG,
 *   palladium XPD, platinum XPT, the bond units XBA–XBD, XDR, XSU, XUA, the
 *   testing code XTS and XXX);
 * plus XCG (Caribbean guilder, 2 decimals, legal tender in Curaçao and Sint
 * Maarten since 2025-03-31), newer than the package's list.
 *
 * The exponents are written here, not read from the package at run time: an
 * exponent is part of what every stored amount means, so it changes only by a
 * reviewed commit (with an upcaster for events already stored).
 */
const ISO_4217: Readonly<Record<0 | 2 | 3, string>> = {
  0: 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF',
  2:
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF ' +
    'CNY COP CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG ' +
    'HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR ' +
    'MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK ' +
    'SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VED VES WST XCD ' +
    'XCG YER ZAR ZMW ZWG',
  3: 'BHD IQD JOD KWD LYD OMR TND',
};

const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(
    Object.entries(ISO_4217)
      .flatMap(([exponent, codes]) => codes.split(' ').map((code) => [code, Number(exponent)] as const))
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  ),
);

export const CURRENCIES: readonly string[] = Object.freeze(Object.keys(CURRENCY_EXPONENTS));

export interface Money {
  amount: number;
  currency: string;
}

export function isKnownCurrency(code: string): boolean {
  return Object.hasOwn(CURRENCY_EXPONENTS, code);
}

export function currencyExponent(code: string): number {
  if (!isKnownCurrency(code)) throw new UnknownCurrencyError(code);
  return CURRENCY_EXPONENTS[code];
}

export function isMinorAmount(amount: unknown): amount is number {
  return typeof amount === 'number' && Number.isSafeInteger(amount) && amount >= 0;
}

export function isPositiveMinorAmount(amount: unknown): amount is number {
  return isMinorAmount(amount) && amount > 0;
}

export function assertMinorAmount(amount: unknown): asserts amount is number {
  if (!isMinorAmount(amount)) throw new InvalidAmountError(amount);
}

export function assertPositiveMinorAmount(amount: unknown): asserts amount is number {
  if (!isPositiveMinorAmount(amount)) throw new InvalidAmountError(amount, 'a positive safe integer of minor units');
}

export function assertKnownCurrency(code: string): void {
  if (!isKnownCurrency(code)) throw new UnknownCurrencyError(code);
}

export function money(amount: number, currency: string): Money {
  assertMinorAmount(amount);
  assertKnownCurrency(currency);
  return { amount, currency };
}

/**
 * Decimal string for display. Accepts bigint too, because per-currency sums may
 * outgrow Number.MAX_SAFE_INTEGER; the digits are shifted as text, never divided.
 */
export function formatMinor(amount: number | bigint, currency: string): string {
  if (typeof amount === 'number') assertMinorAmount(amount);
  else if (amount < 0n) throw new InvalidAmountError(amount);
  const exponent = currencyExponent(currency);
  const digits = amount.toString();
  if (exponent === 0) return digits;
  const padded = digits.padStart(exponent + 1, '0');
  return `${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

/** Why a provider amount cannot be booked: it is not an amount that provider writes, or has no exact ledger value. */
export class ProviderAmountError extends InvalidAmountError {
  constructor(
    amount: unknown,
    readonly reason: string,
  ) {
    super(amount, reason);
  }
}

/**
 * A provider's integer amount in `currency`, as the ledger's ISO 4217 minor
 * units: exactly, in integers (bigint), never rounded. An amount that is not a
 * multiple the provider writes, that has no exact ISO value (a fraction of a
 * króna) or that leaves the safe-integer range is refused with the reason.
 */
export function ledgerAmount(provider: Provider, currency: string, amount: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new ProviderAmountError(amount, 'a non-negative safe integer of the provider’s minor units');
  }
  const { exponent, multipleOf } = providerExponent(provider, currency);
  const iso = currencyExponent(currency);
  const value = BigInt(amount);
  if (value % BigInt(multipleOf) !== 0n) {
    throw new ProviderAmountError(amount, `a multiple of ${multipleOf}: ${provider} writes ${currency} amounts in steps of ${multipleOf}`);
  }
  let minor: bigint;
  if (iso >= exponent) {
    minor = value * 10n ** BigInt(iso - exponent);
  } else {
    const divisor = 10n ** BigInt(exponent - iso);
    if (value % divisor !== 0n) {
      throw new ProviderAmountError(
        amount,
        `a multiple of ${divisor}: ${currency} has ${iso} decimals, ${provider} writes it with ${exponent}, and a fraction cannot be booked`,
      );
    }
    minor = value / divisor;
  }
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ProviderAmountError(amount, `at most ${Number.MAX_SAFE_INTEGER} ${currency} minor units once converted`);
  }
  return Number(minor);
}
