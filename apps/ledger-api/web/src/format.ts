import { currencyExponent, formatMinor, isKnownCurrency } from '../../../../libs/payments-domain/src/money';

const grouped = new Intl.NumberFormat('en-US');

export function count(n: number): string {
  return grouped.format(n);
}

/**
 * Minor units (an integer or a decimal string of one) in the currency's own exponent, code first: `USD 1,500.00`,
 * `JPY 5,000`, `KWD 12.345`. The alerts' titles say amounts the same way (libs/monitoring, formatAmount).
 */
export function amount(minor: number | string, currency: string): string {
  if (!isKnownCurrency(currency)) return `${currency} ${minor} (minor units)`;
  const value = BigInt(minor);
  const text = formatMinor(value < 0n ? -value : value, currency);
  const [whole, fraction] = text.split('.');
  const digits = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${currency} ${value < 0n ? '−' : ''}${fraction === undefined ? digits : `${digits}.${fraction}`}`;
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

/** `14:05 UTC` (a minute or hour bucket of today's charts), or the date and time for a longer range. */
export function clock(iso: string, withDate: boolean): string {
  const [date, rest] = iso.split('T');
  return `${withDate ? `${date} ` : ''}${rest.slice(0, 5)} UTC`;
}
