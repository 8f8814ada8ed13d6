export const CARD_BRANDS = [
  'visa',
  'mastercard',
  'amex',
  'discover',
  'diners',
  'jcb',
  'unionpay',
  'maestro',
  'verve',
] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

interface BrandRule {
  brand: CardBrand;
  /** Inclusive IIN ranges; both ends have the same number of digits. */
  prefixes: ReadonlyArray<readonly [string, string]>;
  lengths: readonly number[];
}

const between = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

// Order matters: narrower ranges that sit inside broader ones (Verve inside
// Maestro and Discover, UnionPay and Discover inside Maestro) are tried first.
const RULES: readonly BrandRule[] = [
  { brand: 'verve', prefixes: [['506099', '506198'], ['650002', '650027']], lengths: between(16, 19) },
  { brand: 'visa', prefixes: [['4', '4']], lengths: [13, 16, 19] },
  { brand: 'mastercard', prefixes: [['51', '55'], ['2221', '2720']], lengths: [16] },
  { brand: 'amex', prefixes: [['34', '34'], ['37', '37']], lengths: [15] },
  { brand: 'discover', prefixes: [['6011', '6011'], ['644', '649'], ['65', '65']], lengths: between(16, 19) },
  { brand: 'diners', prefixes: [['300', '305'], ['36', '36'], ['38', '39']], lengths: between(14, 19) },
  { brand: 'jcb', prefixes: [['3528', '3589']], lengths: between(16, 19) },
  { brand: 'unionpay', prefixes: [['62', '62']], lengths: between(16, 19) },
  { brand: 'maestro', prefixes: [['50', '50'], ['56', '69']], lengths: between(12, 19) },
];

/** Brand of a digits-only card number by IIN prefix and length; null when no brand fits. */
export function detectBrand(pan: string): CardBrand | null {
  if (!/^\d+$/.test(pan)) return null;
  const rule = RULES.find(
    (r) =>
      r.lengths.includes(pan.length) &&
      r.prefixes.some(([lo, hi]) => {
        const prefix = pan.slice(0, lo.length);
        return prefix >= lo && prefix <= hi;
      }),
  );
  return rule?.brand ?? null;
}
