/** Test data: card numbers of every brand we recognise, rendered the ways people and systems write them. */
import fc from 'fast-check';
import { luhnCheckDigit } from '../card-data/luhn';

// One issuer prefix and the lengths it is issued in, for every brand we recognise.
export const ISSUED: ReadonlyArray<readonly [string, string, readonly number[]]> = [
  ['visa', '4', [13, 16, 17, 18, 19]],
  ['mastercard', '51', [16]],
  ['mastercard', '2221', [16]],
  ['mastercard', '2720', [16]],
  ['amex', '34', [15]],
  ['amex', '37', [15]],
  ['discover', '6011', [16, 17, 18, 19]],
  ['discover', '645', [16, 19]],
  ['diners', '36', [14, 16, 19]],
  ['diners', '300', [14]],
  ['jcb', '3530', [16, 17, 18, 19]],
  ['unionpay', '62', [16, 17, 18, 19]],
  ['maestro', '6759', [13, 16, 19]],
  ['maestro', '50', [13, 18]],
  ['mir', '2201', [16, 17, 18, 19]],
  ['rupay', '508', [16]],
  ['rupay', '82', [16]],
  ['verve', '506100', [16, 19]],
];

/** Ten-digit blocks of other scripts, by the code point of their zero. */
const DIGIT_ZEROS = [0x30, 0xff10, 0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0x1d7ce, 0x1d7f6];
const SEPARATORS = [
  ' ',
  '-',
  '.',
  '_',
  '/',
  ',',
  '\t',
  '\n',
  '\r\n',
  '  ',
  '\u00a0',
  '\u2013',
  ' \u2013 ',
  '\u200b',
  '\u200b\u200c\u200d\u2060',
  '\u3000',
  '*',
];

const cardNumber = fc.constantFrom(...ISSUED).chain(([, prefix, lengths]) =>
  fc.constantFrom(...lengths).chain((length) =>
    fc
      .array(fc.integer({ min: 0, max: 9 }), { minLength: length - prefix.length - 1, maxLength: length - prefix.length - 1 })
      .map((rest) => {
        const body = prefix + rest.join('');
        return body + luhnCheckDigit(body);
      }),
  ),
);

export interface RenderOptions {
  /** Code points of the zeros of the digit scripts to use (headers take Latin-1 only). */
  zeros?: readonly number[];
  separators?: readonly string[];
}

/** A card number written the way people and systems write them: other scripts, separators, glued digits, text around. */
export const renderedCard = (options: RenderOptions = {}) =>
  fc
    .record({
      pan: cardNumber,
      zero: fc.constantFrom(...(options.zeros ?? DIGIT_ZEROS)),
      mixScripts: fc.boolean(),
      separators: fc.array(fc.option(fc.constantFrom(...(options.separators ?? SEPARATORS)), { freq: 2 }), {
        minLength: 19,
        maxLength: 19,
      }),
      gluedBefore: fc.stringMatching(/^\d{0,5}$/),
      gluedAfter: fc.stringMatching(/^\d{0,5}$/),
      before: fc.constantFrom('', 'card ', 'paid with: ', 'x', '"'),
      after: fc.constantFrom('', ' thanks', 'y', '.', '"'),
    })
    .map(({ pan, zero, mixScripts, separators, gluedBefore, gluedAfter, before, after }) => {
      const glyph = (d: string, i: number) => String.fromCodePoint((mixScripts && i % 2 ? 0x30 : zero) + Number(d));
      const digits = [...pan].map((d, i) => glyph(d, i) + (i < pan.length - 1 ? (separators[i] ?? '') : '')).join('');
      return { pan, text: `${before}${gluedBefore}${digits}${gluedAfter}${after}` };
    });
