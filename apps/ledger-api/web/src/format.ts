import { currencyExponent, formatMinor, isKnownCurrency } from '../../../../libs/payments-domain/src/money';

const grouped = new Intl.NumberFormat('en-US');

export function count(n: number): string {
  return grouped.format(n);
}

/** Minor units (an integer or a decimal string of one) in the currency's own exponent: JPY 0, USD 2, KWD 3. */
export function amount(minor: number | string, currency: string): string {
  if (!isKnownCurrency(currency)) return `${minor} ${currency}`;
  const value = BigInt(minor);
  const text = formatMinor(value < 0n ? -value : value, currency);
  const [whole, fraction] = text.split('.');
  const digits = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${value < 0n ? '−' : ''}${fraction === undefined ? digits : `${digits}.${fraction}`} ${currency}`;
}

/** Only for drawing a chart: a float is fine for a pixel, never for a number shown as money. */
export function major(minor: string, currency: string): number {
  return Number(minor) / 10 ** (isKnownCurrency(currency) ? currencyExponent(currency) : 0);
}

export function percent(n: number): string {
  return `${n.toFixed(2)} %`;
}

export function ms(n: number | null): string {
  return n === null ? '—' : `${count(Math.round(n))} ms`;
}

export function time(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}
