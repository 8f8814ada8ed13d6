/** The test-card list and the ways a card number can be written: the input of the every-door spec. */

/** Providers' published test numbers (Stripe, Paystack) and one per remaining brand we recognise. */
export const TEST_CARDS = [
  '4242424242424242', // Stripe Visa
  '4000056655665556', // Stripe Visa debit
  '4084084084084081', // Paystack Visa
  '5555555555554444', // Stripe Mastercard
  '2223003122003222', // Stripe Mastercard 2-series
  '5105105105105100', // Stripe Mastercard prepaid
  '378282246310005', // Stripe Amex
  '371449635398431', // Stripe Amex
  '6011111111111117', // Stripe Discover
  '6011000990139424', // Stripe Discover
  '3056930009020004', // Stripe Diners
  '36227206271667', // Stripe Diners 14-digit
  '3566002020360505', // Stripe JCB
  '6200000000000005', // Stripe UnionPay
  '5060666666666666666', // Paystack Verve
  '4222222222222', // Visa 13-digit
  '2200000000000004', // Mir
] as const;

export interface Rendering {
  readonly label: string;
  readonly text: string;
}

const SEPARATORS: Readonly<Record<string, string>> = {
  space: ' ',
  dash: '-',
  dot: '.',
  underscore: '_',
  slash: '/',
  comma: ',',
  star: '*',
  pipe: '|',
  colon: ':',
  plus: '+',
  equals: '=',
  hash: '#',
  tilde: '~',
  tab: '\t',
  newline: '\n',
  'CR LF': '\r\n',
  'no-break space': '\u00a0',
  'en dash': '\u2013',
  'em dash': '\u2014',
  'ideographic space': '\u3000',
  'thin space': '\u2009',
  'zero-width space': '\u200b',
  'word joiner': '\u2060',
  'soft hyphen': '\u00ad',
};
const COUNTS = [1, 2, 4, 9];
/** Zeros of the digit blocks of other scripts. */
const SCRIPTS: Readonly<Record<string, number>> = {
  fullwidth: 0xff10,
  'Arabic-Indic': 0x660,
  'Extended Arabic-Indic': 0x6f0,
  Devanagari: 0x966,
  Bengali: 0x9e6,
  Thai: 0xe50,
  'mathematical bold': 0x1d7ce,
  'mathematical monospace': 0x1d7f6,
};

/** By code point: a digit outside the BMP is two UTF-16 units, never split. */
const groupsOf4 = (pan: string): string[] =>
  [...pan].reduce<string[]>((groups, c, i) => (i % 4 === 0 ? [...groups, c] : [...groups.slice(0, -1), groups.at(-1)! + c]), []);
const inScript = (pan: string, zero: number, every = 1): string =>
  [...pan].map((d, i) => (i % every === 0 ? String.fromCodePoint(zero + Number(d)) : d)).join('');

/** Every rendering of one card number: each separator in each count between groups, between every digit, each script, mixed. */
export function renderings(pan: string): Rendering[] {
  const out: Rendering[] = [{ label: 'plain', text: pan }];
  for (const [name, separator] of Object.entries(SEPARATORS)) {
    for (const count of COUNTS)
      out.push({ label: `${count} × ${name} between groups`, text: groupsOf4(pan).join(separator.repeat(count)) });
  }
  for (const [name, separator] of Object.entries({ dot: '.', space: ' ', '3 dashes': '---' })) {
    out.push({ label: `${name} between every digit`, text: [...pan].join(separator) });
  }
  for (const [name, zero] of Object.entries(SCRIPTS)) {
    out.push({ label: `${name} digits`, text: inScript(pan, zero) });
    out.push({ label: `${name} digits mixed with ASCII, grouped`, text: groupsOf4(inScript(pan, zero, 2)).join(' ') });
  }
  out.push({ label: 'in a sentence', text: `card ${groupsOf4(pan).join('    ')} was declined` });
  return out;
}

/** What an HTTP header can carry as sent (Latin-1, no line breaks, nothing to trim at the ends). */
export const fitsHeader = (text: string): boolean => /^[\x21-\x7e\xa1-\xff](?:[\t\x20-\x7e\xa0-\xff]*[\x21-\x7e\xa1-\xff])?$/.test(text);

/** A JSON string whose decoding is the card number, digit by digit as \u escapes: no digit is visible until decoded. */
export const jsonEscaped = (pan: string): string => [...pan].map((d) => `\\u00${(0x30 + Number(d)).toString(16)}`).join('');
