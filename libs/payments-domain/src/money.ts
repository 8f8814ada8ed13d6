import { InvalidAmountError, UnknownCurrencyError } from './errors';

/** ISO 4217 minor-unit exponents: 1999 USD is 19.99, 1999 JPY is 1999, 1999 KWD is 1.999. */
const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = Object.freeze({
  USD: 2,
  EUR: 2,
  GBP: 2,
  NGN: 2,
  GHS: 2,
  KES: 2,
  ZAR: 2,
  CAD: 2,
  AUD: 2,
  CHF: 2,
  INR: 2,
  BRL: 2,
  MXN: 2,
  SEK: 2,
  NOK: 2,
  DKK: 2,
  PLN: 2,
  CNY: 2,
  HKD: 2,
  SGD: 2,
  NZD: 2,
  EGP: 2,
  MAD: 2,
  TZS: 2,
  AED: 2,
  SAR: 2,
  TRY: 2,
  CZK: 2,
  HUF: 2,
  ILS: 2,
  JPY: 0,
  KRW: 0,
  VND: 0,
  CLP: 0,
  ISK: 0,
  UGX: 0,
  XOF: 0,
  XAF: 0,
  RWF: 0,
  PYG: 0,
  KWD: 3,
  BHD: 3,
  JOD: 3,
  OMR: 3,
  TND: 3,
  LYD: 3,
  IQD: 3,
});

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
