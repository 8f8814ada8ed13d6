import fc from 'fast-check';
import { InvalidAmountError } from './errors';
import { PROVIDERS } from './events';
import { CURRENCIES, currencyExponent, ledgerAmount, ProviderAmountError, providerExponent } from './money';

describe('provider amounts to ledger minor units', () => {
  it.each([
    // Stripe: two-decimal unless listed (docs.stripe.com/currencies)
    ['stripe', 'USD', 1999, 1999],
    ['stripe', 'THB', 123456, 123456],
    ['stripe', 'IDR', 1500000, 1500000],
    ['stripe', 'COP', 4200000, 4200000],
    // zero-decimal, as ISO
    ['stripe', 'JPY', 500, 500],
    ['stripe', 'XOF', 1000, 1000],
    // zero-decimal at Stripe, two-decimal in ISO: 5 ariary are 500 ledger minor units
    ['stripe', 'MGA', 5, 500],
    // three-decimal, last digit 0
    ['stripe', 'KWD', 5120, 5120],
    ['stripe', 'BHD', 10, 10],
    // ISK and UGX: zero-decimal, written in two-decimal form (500 is 5 króna)
    ['stripe', 'ISK', 500, 5],
    ['stripe', 'UGX', 380000, 3800],
    // HUF and TWD: two-decimal charges (whole units only for payouts)
    ['stripe', 'HUF', 1045, 1045],
    ['stripe', 'TWD', 1099, 1099],
    // not in Stripe's lists, so two-decimal at Stripe; ISO gives 3
    ['stripe', 'IQD', 1234, 12340],
    // Paystack: always the subunit, ×100
    ['paystack', 'NGN', 10000, 10000],
    ['paystack', 'GHS', 2550, 2550],
    ['paystack', 'KES', 100, 100],
    ['paystack', 'ZAR', 99, 99],
    ['paystack', 'USD', 1, 1],
    ['paystack', 'XOF', 250000, 2500],
    ['paystack', 'RWF', 10000, 100],
    ['paystack', 'JPY', 0, 0],
  ] as const)('%s %s %i is %i ledger minor units', (provider, currency, amount, minor) => {
    expect(ledgerAmount(provider, currency, amount)).toBe(minor);
  });

  it.each([
    ['stripe', 'KWD', 5124, /multiple of 10/],
    ['stripe', 'OMR', 1, /multiple of 10/],
    ['stripe', 'ISK', 550, /multiple of 100/],
    ['stripe', 'UGX', 99, /multiple of 100/],
    ['paystack', 'XOF', 250050, /XOF has 0 decimals, paystack writes it with 2/],
    ['paystack', 'RWF', 1, /multiple of 100/],
    ['stripe', 'USD', 1.5, /safe integer/],
    ['stripe', 'USD', -1, /safe integer/],
    ['stripe', 'MGA', Number.MAX_SAFE_INTEGER, /at most/],
  ] as const)('refuses %s %s %p, never rounding it', (provider, currency, amount, why) => {
    expect(() => ledgerAmount(provider, currency, amount)).toThrow(ProviderAmountError);
    expect(() => ledgerAmount(provider, currency, amount)).toThrow(InvalidAmountError);
    expect(() => ledgerAmount(provider, currency, amount)).toThrow(why);
  });

  it('knows the exponent and step of every provider for every currency', () => {
    expect(providerExponent('stripe', 'ISK')).toEqual({ exponent: 2, multipleOf: 100 });
    expect(providerExponent('stripe', 'KWD')).toEqual({ exponent: 3, multipleOf: 10 });
    expect(providerExponent('stripe', 'JPY')).toEqual({ exponent: 0, multipleOf: 1 });
    expect(providerExponent('stripe', 'HUF')).toEqual({ exponent: 2, multipleOf: 1 });
    expect(providerExponent('paystack', 'XOF')).toEqual({ exponent: 2, multipleOf: 1 });
  });

  it('converts every amount a provider can write exactly, as an integer, for every currency (property)', () => {
    const pow = (n: number) => 10n ** BigInt(n);
    fc.assert(
      fc.property(
        fc.constantFrom(...PROVIDERS),
        fc.constantFrom(...CURRENCIES),
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        (provider, currency, units) => {
          const { exponent, multipleOf } = providerExponent(provider, currency);
          const iso = currencyExponent(currency);
          // Only amounts the provider writes and that have an exact ledger value: multiples of both steps.
          const step = BigInt(Math.max(multipleOf, 10 ** Math.max(exponent - iso, 0)));
          const amount = Number(units * step);
          const minor = ledgerAmount(provider, currency, amount);
          expect(Number.isSafeInteger(minor)).toBe(true);
          // Same value in major units: amount / 10^exponent === minor / 10^iso, compared in integers.
          expect(BigInt(minor) * pow(exponent)).toBe(BigInt(amount) * pow(iso));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses every amount that is not a whole ledger minor unit or not a step the provider writes (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROVIDERS),
        fc.constantFrom(...CURRENCIES),
        fc.integer({ min: 0, max: 1_000_000_000 }),
        (provider, currency, amount) => {
          const { exponent, multipleOf } = providerExponent(provider, currency);
          const divisor = 10 ** Math.max(exponent - currencyExponent(currency), 0);
          const exact = amount % multipleOf === 0 && amount % divisor === 0;
          if (exact) expect(Number.isSafeInteger(ledgerAmount(provider, currency, amount))).toBe(true);
          else expect(() => ledgerAmount(provider, currency, amount)).toThrow(ProviderAmountError);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
