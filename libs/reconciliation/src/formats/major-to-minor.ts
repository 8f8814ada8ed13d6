import { currencyExponent, isKnownCurrency, providerExponent, type Provider } from '@ledger/payments-domain';

export class ReportFormatError extends Error {
  readonly code = 'report_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'ReportFormatError';
  }
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * A report's decimal amount in major units ("19.99", "-0.5", "1500") as an exact integer of the currency's ISO minor
 * units, by string arithmetic: never parseFloat. More decimals than the currency has are refused unless they are zeros.
 */
export function majorToMinor(text: string, currency: string): number {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new ReportFormatError(`amount "${text}" is not a decimal number`);
  const [, sign, whole, fraction = ''] = match;
  const exponent = currencyExponent(currency);
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > exponent) throw new ReportFormatError(`amount "${text}" has more decimals than ${currency} has (${exponent})`);
  const digits = whole + significant.padEnd(exponent, '0');
  // Up to 15 digits a Number holds the integer exactly; longer ones are checked against 2^53 as a BigInt.
  if (digits.length > 15 && BigInt(digits) > BigInt(Number.MAX_SAFE_INTEGER)) throw new ReportFormatError(`amount "${text}" is too large`);
  const value = Number(digits);
  return sign === '-' && value !== 0 ? -value : value;
}

/** An integer of minor units as the API sends it (a JSON number or an integer string); anything else is refused. */
export function minorInteger(value: unknown, field: string): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new ReportFormatError(`${field} is not an integer of minor units`);
  return n;
}

/**
 * A provider's signed integer amount (Stripe's and Paystack's API units, see providerExponent) in ISO minor units,
 * exactly. Unlike a charge, a balance movement may be negative and need not be a multiple the provider charges in
 * (a fee on a KWD charge), so only the exponent is applied; a fraction the currency cannot hold is refused.
 */
export function providerToMinor(provider: Provider, currency: string, amount: unknown, field: string): number {
  const value = minorInteger(amount, field);
  const { exponent } = providerExponent(provider, currency);
  const iso = currencyExponent(currency);
  if (iso >= exponent) return value * 10 ** (iso - exponent);
  const divisor = 10 ** (exponent - iso);
  if (value % divisor !== 0) throw new ReportFormatError(`${field} ${value} is a fraction of a ${currency} minor unit`);
  return value / divisor;
}

/** An ISO 4217 code as the provider writes it (Stripe: lower case), upper-cased and checked. */
export function reportCurrency(code: unknown, field = 'currency'): string {
  const upper = typeof code === 'string' ? code.toUpperCase() : '';
  if (!isKnownCurrency(upper)) throw new ReportFormatError(`${field} "${String(code)}" is not an ISO 4217 currency`);
  return upper;
}
