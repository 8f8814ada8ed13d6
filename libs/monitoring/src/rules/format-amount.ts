import { formatMinor, isKnownCurrency } from '@ledger/payments-domain';

/**
 * An amount of minor units as a person reads it, the way the dashboard's tables show it: the currency code,
 * grouped digits, the currency's own decimals (`USD 1,500.00`, `JPY 5,000`, `KWD 12.345`). Alert titles use it;
 * the amounts in an alert's fields stay integers of minor units.
 */
export function formatAmount(minor: number | bigint | string, currency: string): string {
  const value = BigInt(minor);
  if (!isKnownCurrency(currency)) return `${currency} ${value} (minor units)`;
  const [whole, fraction] = formatMinor(value < 0n ? -value : value, currency).split('.');
  const digits = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${currency} ${value < 0n ? '−' : ''}${fraction === undefined ? digits : `${digits}.${fraction}`}`;
}
