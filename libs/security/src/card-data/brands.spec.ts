import { detectBrand } from './brands';
import { luhnCheckDigit } from './luhn';

const pan = (prefix: string, length: number): string => {
  const body = prefix.padEnd(length - 1, '0');
  return body + luhnCheckDigit(body);
};

describe('detectBrand', () => {
  it.each([
    ['visa', '4111111111111111'],
    ['visa', pan('4', 13)],
    ['visa', pan('4', 19)],
    ['mastercard', '5555555555554444'],
    ['mastercard', '2223003122003222'],
    ['mastercard', pan('2720', 16)],
    ['amex', '378282246310005'],
    ['amex', pan('34', 15)],
    ['discover', '6011111111111117'],
    ['discover', pan('644', 16)],
    ['discover', pan('65', 19)],
    ['diners', '30569309025904'],
    ['diners', '36227206271667'],
    ['diners', pan('39', 16)],
    ['jcb', '3530111333300000'],
    ['jcb', pan('3589', 19)],
    ['unionpay', '6200000000000005'],
    ['unionpay', pan('62', 19)],
    ['maestro', pan('50', 12)],
    ['maestro', '6759649826438453'],
    ['verve', pan('506099', 16)],
    ['verve', pan('506198', 19)],
    ['verve', pan('650027', 16)],
    ['verve', pan('507900', 19)],
    ['visa', pan('4', 17)],
    ['visa', pan('4', 18)],
    ['mir', pan('2200', 16)],
    ['mir', pan('2204', 19)],
    ['rupay', pan('508', 16)],
    ['rupay', pan('6012', 16)],
    ['rupay', pan('82', 16)],
    ['unionpay', pan('8100', 17)],
    ['jcb', pan('2131', 15)],
    ['diners', pan('3095', 19)],
  ])('recognises %s: %s', (brand, number) => {
    expect(detectBrand(number)).toBe(brand);
  });

  it.each([
    ['Visa of 15 digits', pan('4', 15)],
    ['Mastercard of 19 digits', pan('51', 19)],
    ['Amex of 16 digits', pan('34', 16)],
    ['JCB of 15 digits', pan('3528', 15)],
    ['a prefix no brand uses', pan('1', 16)],
    ['Mastercard just below the 2-series', pan('2220', 16)],
    ['non-digits', '4111-1111-1111-1111'],
  ])('rejects %s', (_label, number) => {
    expect(detectBrand(number)).toBeNull();
  });

  it('prefers the narrower Verve range to Maestro and Discover', () => {
    expect(detectBrand(pan('506100', 16))).toBe('verve');
    expect(detectBrand(pan('506200', 16))).toBe('maestro');
    expect(detectBrand(pan('650028', 16))).toBe('discover');
  });
});
