export const CARD_BRANDS = [
  'visa',
  'mastercard',
  'amex',
  'discover',
  'diners',
  'jcb',
  'unionpay',
  'maestro',
  'mir',
  'rupay',
  'verve',
] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

interface BrandRule {
  brand: CardBrand;
  /** Inclusive IIN ranges (ISO/IEC 7812 issuer prefixes); both ends have the same number of digits. */
  prefixes: ReadonlyArray<readonly [string, string]>;
  lengths: readonly number[];
}

const between = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const one = (prefix: string): readonly [string, string] => [prefix, prefix];

// Order matters only for the brand reported: narrower ranges that sit inside
// broader ones (Verve and RuPay inside Maestro and Discover, UnionPay and
// Discover inside Maestro) are tried first. Any rule matching makes a PAN.
const RULES: readonly BrandRule[] = [
  {
    brand: 'verve',
    prefixes: [
      ['506099', '506198'],
      ['507865', '507964'],
      ['650002', '650027'],
    ],
    lengths: between(16, 19),
  },
  { brand: 'mir', prefixes: [['2200', '2204']], lengths: between(16, 19) },
  { brand: 'visa', prefixes: [one('4')], lengths: [13, 16, 17, 18, 19] },
  {
    brand: 'mastercard',
    prefixes: [
      ['51', '55'],
      ['2221', '2720'],
    ],
    lengths: [16],
  },
  { brand: 'amex', prefixes: [one('34'), one('37')], lengths: [15] },
  { brand: 'discover', prefixes: [one('6011'), ['644', '649'], one('65'), ['622126', '622925']], lengths: between(16, 19) },
  { brand: 'jcb', prefixes: [['3528', '3589']], lengths: between(16, 19) },
  { brand: 'jcb', prefixes: [one('1800'), one('2131')], lengths: [15] },
  { brand: 'diners', prefixes: [['300', '305'], one('3095'), one('36'), ['38', '39']], lengths: between(14, 19) },
  { brand: 'unionpay', prefixes: [one('62'), ['8100', '8171']], lengths: between(14, 19) },
  { brand: 'rupay', prefixes: [one('60'), one('65'), one('81'), one('82'), one('508'), one('353'), one('356')], lengths: [16] },
  { brand: 'maestro', prefixes: [one('50'), ['56', '69']], lengths: between(12, 19) },
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
