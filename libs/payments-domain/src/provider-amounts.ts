import type { Provider } from './events';

/**
 * How each provider writes an amount, where it differs from ISO 4217, and the
 * rules the conversion to the ledger's ISO minor units (money.ts, ledgerAmount) follows.
 *
 * Stripe (docs.stripe.com/currencies, "Minor units in API amounts", "Zero-decimal",
 * "Three-decimal" and "Special cases"):
 * - every currency is two-decimal unless listed otherwise;
 * - zero-decimal: BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF VND VUV XAF XOF XPF
 *   (the page lists UGX there too, but its special cases override that, below).
 *   MGA is two-decimal in ISO 4217: Stripe's 1 MGA is 100 ledger minor units;
 * - three-decimal: BHD JOD KWD OMR TND, for Payment Intents, Refunds and Disputes,
 *   "these API calls require the least-significant (last) digit to be 0"
 *   (5.124 KWD must be sent as 5120 or 5130);
 * - ISK and UGX "became zero-decimal, but backwards compatibility requires you to
 *   represent [them] as a two-decimal value, where the decimal amount is always 00.
 *   To charge 5 UGX, provide an amount value of 500". Stripe's own error says it:
 *   "Currency ISK has become effectively zero-decimal and charged amounts must be
 *   evenly divisible by 100" (support.stripe.com, "Deprecation of fractional ISK
 *   charges and refunds", enforced since 2023-04-14; the same message for UGX is
 *   quoted in woocommerce/woocommerce-gateway-stripe#2674). ISO gives both 0 decimals;
 * - HUF and TWD: Stripe "treats [them] as a zero-decimal currency for payouts, even
 *   though you can charge two-decimal amounts": charges, refunds and disputes are
 *   two-decimal, as in ISO, and may carry fractions. Only payouts must be whole
 *   units; the ledger reads no payout amounts yet.
 *
 * Paystack: amounts are in the currency's subunit, "kobo if currency is NGN,
 * pesewas if currency is GHS, and cents if currency is ZAR" (Paystack's OpenAPI
 * spec, PaystackOSS), cents for KES and USD, and "XOF has no subunit but amounts
 * must still be multiplied by 100" (PaystackOSS/paystack-mcp-server, its accuracy
 * rules). So every Paystack amount is ×100 of the major unit: an XOF (or RWF)
 * amount is a multiple of 100 and 1 XOF is 1 ledger minor unit.
 */
export interface ProviderExponent {
  /** Decimal places of the provider's integer amount. */
  readonly exponent: number;
  /** The provider only sends multiples of this (in its own units); anything else is not a genuine amount. */
  readonly multipleOf: number;
}

const TWO_DECIMAL: ProviderExponent = { exponent: 2, multipleOf: 1 };

const STRIPE: Readonly<Record<string, ProviderExponent>> = Object.freeze({
  ...Object.fromEntries(
    'BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF VND VUV XAF XOF XPF'.split(' ').map((c) => [c, { exponent: 0, multipleOf: 1 }]),
  ),
  ...Object.fromEntries('BHD JOD KWD OMR TND'.split(' ').map((c) => [c, { exponent: 3, multipleOf: 10 }])),
  ISK: { exponent: 2, multipleOf: 100 },
  UGX: { exponent: 2, multipleOf: 100 },
});

/** The exponent (and step) a provider writes amounts of `currency` with. */
export function providerExponent(provider: Provider, currency: string): ProviderExponent {
  if (provider === 'stripe') return Object.hasOwn(STRIPE, currency) ? STRIPE[currency] : TWO_DECIMAL;
  return TWO_DECIMAL;
}
